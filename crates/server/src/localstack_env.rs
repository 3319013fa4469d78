//! Settings read from the environment variables of compose files written for LocalStack, so
//! that swapping the image is the only change: `GATEWAY_LISTEN` (or the older `EDGE_PORT`),
//! `LOCALSTACK_HOST` (or the older `HOSTNAME_EXTERNAL`), `DEFAULT_REGION` /
//! `AWS_DEFAULT_REGION`, and `SERVICES` (accepted and reported). `SLUICE_*` variables and
//! flags override them; a config file's `[server]` values give way to them.

use crate::config::RawSettings;

/// LocalStack's gateway port, the port `LOCALSTACK_HOST` implies when it names none.
const LOCALSTACK_PORT: u16 = 4566;
/// Services Sluice serves, for telling which of `SERVICES` it has.
const SERVED: [&str; 3] = ["sqs", "sns", "kinesis"];

/// The settings LocalStack's variables give (read through `var`), and one line per variable
/// that was taken or is not applied, for the startup log.
pub fn localstack_settings(var: impl Fn(&str) -> Option<String>) -> (RawSettings, Vec<String>) {
    let var = |name: &str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let mut settings = RawSettings::default();
    let mut notes = Vec::new();

    if let Some(listen) = var("GATEWAY_LISTEN") {
        // A comma-separated list of `[host][:port]`; Sluice listens on one address.
        let first = listen.split(',').next().unwrap_or_default().trim();
        let (host, port) = match first.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (first, None),
        };
        if !host.is_empty() {
            settings.host = Some(host.trim_matches(['[', ']']).to_owned());
        }
        match port.map(str::parse::<u16>) {
            Some(Ok(port)) => settings.port = Some(port),
            Some(Err(_)) => notes.push(format!(
                "GATEWAY_LISTEN={listen}: port not understood, ignored"
            )),
            None => {}
        }
        if listen.contains(',') {
            notes.push(format!(
                "GATEWAY_LISTEN={listen}: listening on the first address only"
            ));
        } else {
            notes.push(format!(
                "GATEWAY_LISTEN={listen} taken as the listen address"
            ));
        }
    } else if let Some(edge) = var("EDGE_PORT") {
        match edge.parse::<u16>() {
            Ok(port) => {
                settings.port = Some(port);
                notes.push(format!("EDGE_PORT={edge} taken as the port"));
            }
            Err(_) => notes.push(format!("EDGE_PORT={edge}: not a port, ignored")),
        }
    }

    let external = var("LOCALSTACK_HOST")
        .map(|v| ("LOCALSTACK_HOST", v))
        .or_else(|| var("HOSTNAME_EXTERNAL").map(|v| ("HOSTNAME_EXTERNAL", v)));
    if let Some((name, host)) = external {
        // URLs name a port as LocalStack's do: the one given, else the gateway's.
        let hostname = if host.contains(':') {
            host.clone()
        } else {
            format!("{host}:{}", settings.port.unwrap_or(LOCALSTACK_PORT))
        };
        notes.push(format!(
            "{name}={host} taken as the hostname URLs name ({hostname})"
        ));
        settings.hostname = Some(hostname);
    }

    let region = var("DEFAULT_REGION")
        .map(|v| ("DEFAULT_REGION", v))
        .or_else(|| var("AWS_DEFAULT_REGION").map(|v| ("AWS_DEFAULT_REGION", v)));
    if let Some((name, region)) = region {
        notes.push(format!(
            "{name}={region} taken as the region of unsigned requests"
        ));
        settings.region = Some(region);
    }

    if let Some(services) = var("SERVICES") {
        let unserved: Vec<&str> = services
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty() && !SERVED.contains(&s.to_ascii_lowercase().as_str()))
            .collect();
        if unserved.is_empty() {
            notes.push(format!(
                "SERVICES={services}: all are served (Sluice always serves sqs, sns and kinesis)"
            ));
        } else {
            notes.push(format!(
                "SERVICES={services}: not served here: {} (Sluice serves sqs, sns and kinesis)",
                unserved.join(", ")
            ));
        }
    }
    (settings, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> (RawSettings, Vec<String>) {
        localstack_settings(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn nothing_set_gives_nothing() {
        let (settings, notes) = from(&[]);
        assert!(settings.host.is_none() && settings.port.is_none());
        assert!(settings.hostname.is_none() && settings.region.is_none());
        assert!(notes.is_empty());
    }

    #[test]
    fn gateway_listen_gives_host_and_port() {
        let (s, _) = from(&[("GATEWAY_LISTEN", "0.0.0.0:4510")]);
        assert_eq!((s.host.as_deref(), s.port), (Some("0.0.0.0"), Some(4510)));
        let (s, _) = from(&[("GATEWAY_LISTEN", ":4567")]);
        assert_eq!((s.host, s.port), (None, Some(4567)));
        let (s, notes) = from(&[("GATEWAY_LISTEN", "0.0.0.0:4566,[::]:443")]);
        assert_eq!((s.host.as_deref(), s.port), (Some("0.0.0.0"), Some(4566)));
        assert!(notes[0].contains("first address only"), "{notes:?}");
        let (s, _) = from(&[("GATEWAY_LISTEN", "[::1]:4566")]);
        assert_eq!(s.host.as_deref(), Some("::1"));
    }

    #[test]
    fn localstack_host_names_urls_with_a_port() {
        let (s, _) = from(&[("LOCALSTACK_HOST", "localstack:4566")]);
        assert_eq!(s.hostname.as_deref(), Some("localstack:4566"));
        let (s, _) = from(&[("LOCALSTACK_HOST", "localstack")]);
        assert_eq!(s.hostname.as_deref(), Some("localstack:4566"));
        let (s, _) = from(&[("HOSTNAME_EXTERNAL", "aws"), ("EDGE_PORT", "4000")]);
        assert_eq!(
            (s.hostname.as_deref(), s.port),
            (Some("aws:4000"), Some(4000))
        );
        let (s, _) = from(&[("LOCALSTACK_HOST", "new:1"), ("HOSTNAME_EXTERNAL", "old")]);
        assert_eq!(s.hostname.as_deref(), Some("new:1"));
    }

    #[test]
    fn region_and_services() {
        let (s, _) = from(&[("AWS_DEFAULT_REGION", "eu-west-1")]);
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        let (s, _) = from(&[
            ("DEFAULT_REGION", "ap-south-1"),
            ("AWS_DEFAULT_REGION", "x"),
        ]);
        assert_eq!(s.region.as_deref(), Some("ap-south-1"));
        let (_, notes) = from(&[("SERVICES", "sqs,s3, dynamodb")]);
        assert!(
            notes[0].contains("not served here: s3, dynamodb"),
            "{notes:?}"
        );
        let (_, notes) = from(&[("SERVICES", "SQS,sns")]);
        assert!(notes[0].contains("all are served"), "{notes:?}");
    }
}
