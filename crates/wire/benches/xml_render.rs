//! Renders a ReceiveMessage-shaped Query answer (10 messages of 1 KiB with characters XML
//! escapes, system and message attributes) and reports the time per answer. Run with
//! `cargo bench -p sluice-wire --bench xml_render`; compare commits in one sitting.

use std::hint::black_box;

use sluice_wire::{query_response, XmlWriter};

fn receive_answer(body: &str) -> usize {
    let write = |w: &mut XmlWriter| {
        for i in 0..10 {
            w.open("Message")
                .elem("MessageId", "e6984080-bab1-4a02-a05a-c0df51d689c0")
                .elem("ReceiptHandle", "AQAAAAAAAAABAAAAAAAAAAAAAAABd1cw8g==")
                .elem("MD5OfBody", "46692e5c70a26af38127c97950e9eddf")
                .elem("Body", body);
            for (name, value) in [
                ("SenderId", "000000000000"),
                ("SentTimestamp", "1700000000000"),
                (
                    "ApproximateReceiveCount",
                    if i % 2 == 0 { "1" } else { "2" },
                ),
            ] {
                w.open("Attribute")
                    .elem("Name", name)
                    .elem("Value", value)
                    .close("Attribute");
            }
            w.open("MessageAttribute")
                .elem("Name", "kind")
                .open("Value")
                .elem("StringValue", "order \"<&>\"")
                .elem("DataType", "String")
                .close("Value")
                .close("MessageAttribute");
            w.close("Message");
        }
    };
    query_response(
        "ReceiveMessage",
        "http://queue.amazonaws.com/doc/2012-11-05/",
        "953aeb70-673e-49cb-ad2c-bef57ec92938",
        Some(&write),
    )
    .len()
}

#[allow(clippy::disallowed_methods)] // a benchmark measures real time
fn main() {
    let plain = "x".repeat(1024);
    let tricky: String = "{\"order\": \"<a & b>\", 'n': 1}\r\n".repeat(37);
    for (label, body) in [
        ("plain 1 KiB bodies", &plain),
        ("JSON bodies with escapes", &tricky),
    ] {
        let rounds = 20_000;
        for _ in 0..2_000 {
            black_box(receive_answer(black_box(body)));
        }
        let start = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            bytes += black_box(receive_answer(black_box(body)));
        }
        let per = start.elapsed() / rounds;
        println!(
            "ReceiveMessage XML, 10 messages, {label}: {per:?} per answer ({} bytes)",
            bytes / rounds as usize
        );
    }
}
