//! The engine's modules form layers: no module reaches, directly or through others, back to
//! itself (data types below the registry, operations above it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Engine modules each module names through `super::` or `crate::engine::`, test code left
/// out.
fn engine_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("engine dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        if path.extension().is_some_and(|e| e == "rs") && name != "mod" {
            let text = std::fs::read_to_string(&path).expect("source");
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_owned();
            sources.insert(name, code);
        }
    }
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, code)| {
            let mut used = BTreeSet::new();
            for prefix in ["super::", "crate::engine::"] {
                for (at, _) in code.match_indices(prefix) {
                    let rest = &code[at + prefix.len()..];
                    let ident: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if names.contains(&ident) && &ident != module {
                        used.insert(ident);
                    }
                }
            }
            (module.clone(), used)
        })
        .collect()
}

/// A path from `from` back to `from`, if there is one.
fn cycle_through(from: &str, deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().expect("non-empty");
        for next in deps.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn engine_modules_have_no_cycles() {
    let deps = engine_dependencies();
    assert!(deps.len() > 10, "engine modules found: {:?}", deps.keys());
    assert!(deps["registry"].contains("stream"), "dependencies are read");
    for module in deps.keys() {
        if let Some(cycle) = cycle_through(module, &deps) {
            panic!("module cycle: {}", cycle.join(" -> "));
        }
    }
}
