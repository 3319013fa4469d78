//! Turning a parsed policy document into the condition tree that is matched, and enforcing
//! AWS's structural limits (nesting per scope, 5 keys, 150 combinations).
//!
//! The tree is an AND [`Group`] of leaves (a key path and its OR-ed conditions) and of `$or`
//! alternatives (each itself a group). Nested objects in body-scope policies do not create
//! groups: their leaves join the enclosing group with dotted paths (`{"a": {"b": [..]}}` becomes
//! leaf `a.b` at depth 2), which is also how AWS resolves them.

use super::condition::{compile_item, Cond, Item};
use super::json::Node;
use super::messages::{self, err};
use super::{FilterScope, PolicyError};

/// Most keys a policy (or each `$or` alternative of it) may constrain.
pub(super) const MAX_KEYS: usize = 5;
/// Most value combinations a policy may expand to.
pub(super) const MAX_COMBINATIONS: u64 = 150;
/// Match-expression names that stop an `$or` array from being read as an OR.
const RESERVED: [&str; 7] = [
    "anything-but",
    "cidr",
    "equals-ignore-case",
    "exists",
    "numeric",
    "prefix",
    "suffix",
];

/// Conjunction of leaves and of `$or` alternatives.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Group {
    pub leaves: Vec<Leaf>,
    pub alternatives: Vec<Vec<Group>>,
}

/// One key (attribute name, or dotted body path) and the conditions any of which must hold.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Leaf {
    pub path: String,
    pub conds: Vec<Cond>,
    pub exists_true: bool,
    pub exists_false: bool,
    /// Object nesting level of the key, 1 at top level (weights the complexity count).
    depth: u64,
    /// Number of entries in the policy's value array (exists conditions included).
    width: u64,
}

/// A validated policy tree plus the figures AWS limits.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Compiled {
    pub root: Group,
    pub keys: usize,
    pub combinations: u64,
}

/// Validates `root` for `scope` in AWS's order: document-order syntax checks, then nesting in
/// attribute scope, then the key limit, then the complexity limit.
pub(super) fn compile(root: &Node, scope: FilterScope) -> Result<Compiled, PolicyError> {
    let Node::Object(members) = root else {
        return Err(err(messages::NOT_AN_OBJECT));
    };
    let mut group = Group::default();
    let mut nested = false;
    if !members.is_empty() {
        compile_members(members, "", 1, &mut group, &mut nested)?;
    }
    if nested && scope == FilterScope::MessageAttributes {
        return Err(err(messages::NESTED_IN_ATTRIBUTE_SCOPE));
    }
    let keys = group.key_count();
    if keys > MAX_KEYS {
        return Err(err(messages::TOO_MANY_KEYS));
    }
    let combinations = group.combinations();
    if combinations > MAX_COMBINATIONS {
        return Err(err(messages::TOO_COMPLEX));
    }
    Ok(Compiled {
        root: group,
        keys,
        combinations,
    })
}

fn compile_members(
    members: &[(String, Node)],
    prefix: &str,
    depth: u64,
    group: &mut Group,
    nested: &mut bool,
) -> Result<(), PolicyError> {
    if members.is_empty() {
        return Err(err(messages::EMPTY_OBJECT));
    }
    for (key, node) in members {
        if key == "$or" {
            if let Some(branches) = or_branches(node) {
                let mut alternatives = Vec::with_capacity(branches.len());
                for branch in branches {
                    let mut alternative = Group::default();
                    compile_members(branch, prefix, depth, &mut alternative, nested)?;
                    alternatives.push(alternative);
                }
                group.alternatives.push(alternatives);
                continue;
            }
        }
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match node {
            Node::Object(children) => {
                *nested = true;
                compile_members(children, &path, depth + 1, group, nested)?;
            }
            Node::Array(items) => group.leaves.push(compile_leaf(path, depth, items)?),
            _ => return Err(messages::must_be_object_or_array(key)),
        }
    }
    Ok(())
}

/// The alternatives of an `$or` member, if AWS would read it as one: an array of at least two
/// objects, none using a match-expression name as a key. Otherwise `$or` is an ordinary key.
fn or_branches(node: &Node) -> Option<Vec<&[(String, Node)]>> {
    let Node::Array(items) = node else {
        return None;
    };
    if items.len() < 2 {
        return None;
    }
    items
        .iter()
        .map(|item| match item {
            Node::Object(members)
                if !members.iter().any(|(k, _)| RESERVED.contains(&k.as_str())) =>
            {
                Some(members.as_slice())
            }
            _ => None,
        })
        .collect()
}

fn compile_leaf(path: String, depth: u64, items: &[Node]) -> Result<Leaf, PolicyError> {
    if items.is_empty() {
        return Err(err(messages::EMPTY_ARRAY));
    }
    let mut leaf = Leaf {
        path,
        conds: Vec::with_capacity(items.len()),
        exists_true: false,
        exists_false: false,
        depth,
        width: u64::try_from(items.len()).unwrap_or(u64::MAX),
    };
    for node in items {
        match compile_item(node)? {
            Item::Value(cond) => leaf.conds.push(cond),
            Item::Exists(true) => leaf.exists_true = true,
            Item::Exists(false) => leaf.exists_false = true,
        }
    }
    Ok(leaf)
}

impl Group {
    /// Keys constrained at once: this group's leaves plus, per `$or`, its widest alternative.
    fn key_count(&self) -> usize {
        let from_alternatives: usize = self
            .alternatives
            .iter()
            .map(|alts| alts.iter().map(Group::key_count).max().unwrap_or(0))
            .sum();
        self.leaves.len() + from_alternatives
    }

    /// AWS's combination count: expand `$or`s into separate policies, multiply within each the
    /// value-array sizes (each weighted by its key's nesting depth), and add the policies up.
    /// Product-of-sums over the tree gives the same total without expanding.
    fn combinations(&self) -> u64 {
        let leaves = self.leaves.iter().fold(1u64, |acc, l| {
            acc.saturating_mul(l.width.saturating_mul(l.depth))
        });
        self.alternatives.iter().fold(leaves, |acc, alts| {
            let sum = alts
                .iter()
                .fold(0u64, |s, g| s.saturating_add(g.combinations()));
            acc.saturating_mul(sum)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::json;
    use super::*;

    fn run(text: &str, scope: FilterScope) -> Result<Compiled, String> {
        compile(&json::parse(text).expect("test JSON"), scope).map_err(|e| e.0)
    }

    fn combinations(text: &str) -> u64 {
        let node = json::parse(text).expect("test JSON");
        let Node::Object(members) = node else {
            panic!("not an object")
        };
        let mut group = Group::default();
        compile_members(&members, "", 1, &mut group, &mut false).expect("valid");
        group.combinations()
    }

    #[test]
    fn aws_documented_combination_counts() {
        let flat = r#"{"key_a": ["1","2","3"], "key_b": ["1"], "key_c": ["1","2"]}"#;
        assert_eq!(combinations(flat), 6);
        let nested = r#"{"key_a": {"key_b": {"key_c": ["1","2","3","4"]}}, "key_d": {"key_e": ["1","2","3"]}, "key_f": ["1","2","3"]}"#;
        assert_eq!(combinations(nested), 216);
        let or_flat = r#"{"source": ["a","b","c","d"], "$or": [{"metricName": ["1","2","3","4","5","6"]}, {"metricType": ["1","2","3","4"], "$or": [{"metricId": [1,2,3,4]}, {"spaceId": [1,2,3,4]}]}]}"#;
        assert_eq!(combinations(or_flat), 152);
        let or_nested = r#"{"$or": [{"metricName": ["a","b","c"]}, {"namespace": ["a","b"]}], "detail": {"scope": ["a","b"], "$or": [{"source": ["a"]}, {"type": ["a","b","c"]}]}}"#;
        assert_eq!(combinations(or_nested), 160);
    }

    #[test]
    fn limits_and_their_order() {
        let attrs = FilterScope::MessageAttributes;
        let six = r#"{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"e":["1"],"f":["1"]}"#;
        assert_eq!(run(six, attrs), Err(messages::TOO_MANY_KEYS.to_owned()));
        let wide: Vec<String> = (0..151).map(|i| format!("\"v{i}\"")).collect();
        let wide = format!("{{\"key\": [{}]}}", wide.join(","));
        assert_eq!(run(&wide, attrs), Err(messages::TOO_COMPLEX.to_owned()));
        let exactly_150 = r#"{"source": ["a","b","c"], "$or": [{"metricName": ["1","2","3","4","5","6"]}, {"metricType": ["1","2","3","4"], "$or": [{"metricId": [1,2,3,4]}, {"spaceId": [1,2,3,4,5,6,7]}]}]}"#;
        assert_eq!(run(exactly_150, attrs).map(|c| c.combinations), Ok(150));
        let nested = r#"{"object": {"key": [{"prefix": "auto-"}]}}"#;
        assert_eq!(
            run(nested, attrs),
            Err(messages::NESTED_IN_ATTRIBUTE_SCOPE.to_owned())
        );
        assert!(run(nested, FilterScope::MessageBody).is_ok());
        let nested_then_bad = r#"{"key": {"suffix": "value"}}"#;
        assert_eq!(
            run(nested_then_bad, attrs),
            Err("\"suffix\" must be an object or an array".to_owned())
        );
    }

    #[test]
    fn keys_are_counted_per_or_alternative() {
        let attrs = FilterScope::MessageAttributes;
        let ok = r#"{"a":["1"],"b":["1"],"c":["1"],"$or":[{"d":["1"],"e":["1"]},{"f":["1"]}]}"#;
        assert_eq!(run(ok, attrs).map(|c| c.keys), Ok(5));
        let too_many = r#"{"a":["1"],"b":["1"],"c":["1"],"d":["1"],"$or":[{"e":["1"],"f":["1"]},{"g":["1"]}]}"#;
        assert_eq!(
            run(too_many, attrs),
            Err(messages::TOO_MANY_KEYS.to_owned())
        );
    }

    #[test]
    fn or_is_only_special_in_its_documented_shape() {
        let body = FilterScope::MessageBody;
        let or = run(r#"{"$or": [{"a": ["1"]}, {"b": ["2"]}]}"#, body).expect("valid");
        assert_eq!(or.root.alternatives.len(), 1);
        let one = run(r#"{"$or": [{"a": ["1"]}]}"#, body);
        assert_eq!(one, Err("Unrecognized match type a".to_owned()));
        let reserved = run(r#"{"$or": [{"numeric": 123}, {"prefix": "abc"}]}"#, body);
        assert_eq!(reserved, Err(messages::NUMERIC_NOT_ARRAY.to_owned()));
        let plain = run(r#"{"$or": ["x"]}"#, body).expect("valid");
        assert_eq!(plain.root.leaves[0].path, "$or");
        let empty_branch = run(r#"{"$or": [{}, {"a": ["1"]}]}"#, body);
        assert_eq!(empty_branch, Err(messages::EMPTY_OBJECT.to_owned()));
    }

    #[test]
    fn structural_errors() {
        let body = FilterScope::MessageBody;
        let cases = [
            ("[]", messages::NOT_AN_OBJECT.to_owned()),
            ("\"x\"", messages::NOT_AN_OBJECT.to_owned()),
            (
                r#"{"key_a": "value_one"}"#,
                "\"key_a\" must be an object or an array".to_owned(),
            ),
            (
                r#"{"a": 1}"#,
                "\"a\" must be an object or an array".to_owned(),
            ),
            (r#"{"a": []}"#, messages::EMPTY_ARRAY.to_owned()),
            (r#"{"a": {}}"#, messages::EMPTY_OBJECT.to_owned()),
            (
                r#"{"key": [["value"]]}"#,
                messages::BAD_MATCH_VALUE.to_owned(),
            ),
            (
                r#"{"a": [{"nope": 1}], "b": []}"#,
                "Unrecognized match type nope".to_owned(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(run(text, body), Err(expected), "{text}");
        }
        assert_eq!(run("{}", body).map(|c| c.root), Ok(Group::default()));
    }

    #[test]
    fn nested_paths_are_dotted() {
        let c = run(
            r#"{"a": {"b": {"c": ["x"]}, "d": [1]}}"#,
            FilterScope::MessageBody,
        )
        .expect("valid");
        let paths: Vec<&str> = c.root.leaves.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(paths, ["a.b.c", "a.d"]);
        assert_eq!(c.combinations, 3 * 2);
    }
}
