//! Amazon SNS subscription filter policies: parsing, AWS-compatible validation, and matching.
//!
//! A policy is parsed once with [`FilterPolicy::parse`] (which rejects it with AWS's wording, see
//! [`PolicyError`]) and then matched on every publish with [`FilterPolicy::matches_attributes`]
//! or [`FilterPolicy::matches_body`], depending on the subscription's [`FilterScope`].
//!
//! Supported: exact strings, numbers, `true`/`false`/`null`; `prefix`, `suffix`,
//! `equals-ignore-case`, `anything-but` (value, list, `prefix`, `suffix`), `numeric` (one
//! comparison or a `>`/`>=` .. `<`/`<=` range), `exists`, `cidr`; `$or`; nested keys in body
//! scope. Limits: 256 KB, 5 keys, 150 combinations.
//!
//! Only `std` and `serde_json` are used; every child module is private.

mod cidr;
mod compile;
mod condition;
mod eval;
mod json;
mod messages;
mod numeric;

#[cfg(test)]
mod aws_cases;
#[cfg(test)]
mod aws_matching;
#[cfg(test)]
mod proptests;

use std::fmt;

use compile::Group;

/// Largest accepted policy text, in bytes (256 KB).
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// Where a policy looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FilterScope {
    /// The message attributes (AWS's default).
    #[default]
    MessageAttributes,
    /// The message body, parsed as a JSON object.
    MessageBody,
}

impl FilterScope {
    /// Parses the `FilterPolicyScope` attribute value (`MessageAttributes` or `MessageBody`).
    pub fn parse(s: &str) -> Option<FilterScope> {
        match s {
            "MessageAttributes" => Some(FilterScope::MessageAttributes),
            "MessageBody" => Some(FilterScope::MessageBody),
            _ => None,
        }
    }

    /// The attribute value naming this scope.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterScope::MessageAttributes => "MessageAttributes",
            FilterScope::MessageBody => "MessageBody",
        }
    }

    /// AWS's full `InvalidParameter` message for an unknown `FilterPolicyScope` value.
    pub fn invalid_value_message(value: &str) -> String {
        format!(
            "Invalid parameter: FilterPolicyScope: Invalid value [{value}]. \
             Please use either MessageBody or MessageAttributes"
        )
    }
}

impl fmt::Display for FilterScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One message attribute as the matcher sees it.
#[derive(Debug, Clone, Copy)]
pub struct AttributeRef<'a> {
    /// `String`, `String.Array`, `Number`, `Binary`, or a custom `String.x` / `Number.x` /
    /// `Binary.x`. `Binary` attributes are invisible to policies (even to `exists`).
    pub data_type: &'a str,
    /// The string value; for `String.Array` the JSON array text; for `Binary` pass `""`.
    pub value: &'a str,
}

/// A rejected policy: the text after `Invalid parameter: FilterPolicy: ` in AWS's
/// `InvalidParameter` error message. Use [`PolicyError::aws_message`] for the full message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub String);

impl PolicyError {
    /// True for the one rejection AWS words without the `FilterPolicy: ` prefix: a nested
    /// policy under scope `MessageAttributes`.
    pub fn is_scope_error(&self) -> bool {
        self.0 == messages::NESTED_IN_ATTRIBUTE_SCOPE
    }

    /// AWS's complete message. `SetSubscriptionAttributes` reports
    /// `Invalid parameter: FilterPolicy: <text>`; `Subscribe` (policy passed in `Attributes`)
    /// reports `Invalid parameter: Attributes Reason: FilterPolicy: <text>`. AWS also appends
    /// a Jackson parser location (`\n at [Source: ...; line: 1, column: N]`) to syntax-level
    /// errors; that suffix is not reproduced.
    pub fn aws_message(&self, via_subscribe: bool) -> String {
        let reason = if via_subscribe {
            "Attributes Reason: "
        } else {
            ""
        };
        if self.is_scope_error() {
            format!("Invalid parameter: {reason}{}", self.0)
        } else {
            format!("Invalid parameter: {reason}FilterPolicy: {}", self.0)
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PolicyError {}

/// A parsed, validated policy, ready to match without re-parsing.
#[derive(Debug, Clone)]
pub struct FilterPolicy {
    scope: FilterScope,
    root: Group,
    keys: usize,
    combinations: u64,
}

impl FilterPolicy {
    /// Parses and validates `json` for `scope`, rejecting it as AWS would.
    ///
    /// `{}` is accepted and matches every message. An empty string is rejected as invalid
    /// JSON: callers should treat `FilterPolicy = ""` as "remove the policy" before calling.
    pub fn parse(json: &str, scope: FilterScope) -> Result<FilterPolicy, PolicyError> {
        if json.len() > MAX_POLICY_BYTES {
            return Err(messages::err(messages::TOO_LONG));
        }
        let document = json::parse(json).map_err(|e| messages::json_syntax(&e))?;
        let compiled = compile::compile(&document, scope)?;
        Ok(FilterPolicy {
            scope,
            root: compiled.root,
            keys: compiled.keys,
            combinations: compiled.combinations,
        })
    }

    /// The scope this policy was validated for.
    pub fn scope(&self) -> FilterScope {
        self.scope
    }

    /// Keys counted against the 5-key limit (the widest `$or` alternative counts).
    pub fn key_count(&self) -> usize {
        self.keys
    }

    /// The combination count checked against the limit of 150.
    pub fn combinations(&self) -> u64 {
        self.combinations
    }

    /// Attribute scope: `get` returns the attribute with the given name, if the message has it.
    ///
    /// Allocation-free except for one JSON parse per `String.Array` attribute inspected.
    pub fn matches_attributes<'a>(&self, get: &dyn Fn(&str) -> Option<AttributeRef<'a>>) -> bool {
        self.root
            .eval(&mut |leaf| leaf.holds_for_attribute(get(&leaf.path)))
    }

    /// Body scope: the message body parsed as JSON. A body that is not a JSON object matches
    /// nothing (pass `None` when the body is not JSON), except that the empty policy `{}`
    /// matches everything.
    pub fn matches_body(&self, body: Option<&serde_json::Value>) -> bool {
        if self.root == Group::default() {
            return true;
        }
        match body {
            Some(object @ serde_json::Value::Object(_)) => {
                self.root.eval(&mut |leaf| leaf.holds_for_body(object))
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn scope_round_trips() {
        for scope in [FilterScope::MessageAttributes, FilterScope::MessageBody] {
            assert_eq!(FilterScope::parse(scope.as_str()), Some(scope));
            assert_eq!(scope.to_string(), scope.as_str());
        }
        assert_eq!(FilterScope::parse("messagebody"), None);
        assert_eq!(FilterScope::default(), FilterScope::MessageAttributes);
        assert_eq!(
            FilterScope::invalid_value_message("RandomValue"),
            "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. \
             Please use either MessageBody or MessageAttributes"
        );
    }

    #[test]
    fn error_messages_get_the_right_prefix() {
        let nested = FilterPolicy::parse(r#"{"a": {"b": ["c"]}}"#, FilterScope::MessageAttributes)
            .expect_err("nested");
        assert!(nested.is_scope_error());
        assert_eq!(
            nested.aws_message(false),
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
        );
        let complex = PolicyError(messages::TOO_COMPLEX.to_owned());
        assert_eq!(
            complex.aws_message(false),
            "Invalid parameter: FilterPolicy: Filter policy is too complex"
        );
        assert_eq!(
            complex.aws_message(true),
            "Invalid parameter: Attributes Reason: FilterPolicy: Filter policy is too complex"
        );
        assert_eq!(complex.to_string(), "Filter policy is too complex");
    }

    #[test]
    fn size_limit() {
        let padding = " ".repeat(MAX_POLICY_BYTES);
        let too_long = format!("{{\"a\": [\"b\"]}}{padding}");
        assert_eq!(
            FilterPolicy::parse(&too_long, FilterScope::MessageBody).map(|_| ()),
            Err(PolicyError(messages::TOO_LONG.to_owned()))
        );
        let fits = format!("{{\"a\": [\"b\"]}}{}", &padding[..MAX_POLICY_BYTES - 12]);
        assert!(FilterPolicy::parse(&fits, FilterScope::MessageBody).is_ok());
    }

    #[test]
    fn works_with_a_borrowed_attribute_map() {
        let attributes: HashMap<String, (String, String)> = HashMap::from([
            (
                "store".to_owned(),
                ("String".to_owned(), "example_corp".to_owned()),
            ),
            ("price".to_owned(), ("Number".to_owned(), "3e2".to_owned())),
        ]);
        let get = |name: &str| {
            attributes
                .get(name)
                .map(|(data_type, value)| AttributeRef { data_type, value })
        };
        let policy = FilterPolicy::parse(
            r#"{"store": ["example_corp"], "price": [300]}"#,
            FilterScope::MessageAttributes,
        )
        .expect("valid");
        assert!(policy.matches_attributes(&get));
        assert_eq!(policy.scope(), FilterScope::MessageAttributes);
        assert_eq!((policy.key_count(), policy.combinations()), (2, 1));
    }

    #[test]
    fn policies_can_be_shared_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<FilterPolicy>();
        assert_send_sync::<PolicyError>();
    }

    #[test]
    fn empty_policy_matches_everything() {
        let policy = FilterPolicy::parse("{}", FilterScope::MessageBody).expect("valid");
        assert!(policy.matches_body(None));
        assert!(policy.matches_attributes(&|_| None));
        assert!(FilterPolicy::parse("", FilterScope::MessageBody).is_err());
    }
}
