//! The wording of every filter-policy rejection, in one place.
//!
//! Each text is what follows `Invalid parameter: FilterPolicy: ` in AWS's `InvalidParameter`
//! error (except [`NESTED_IN_ATTRIBUTE_SCOPE`], which AWS prints without that prefix). Most were
//! recorded from real AWS responses or taken from AWS's open-source rule engine (event-ruler),
//! which SNS filtering is built on; `TOO_LONG`, `NUMBER_OUT_OF_RANGE` and `json_syntax` are
//! best guesses.

use super::json::SyntaxError;
use super::PolicyError;

pub(super) const NOT_AN_OBJECT: &str = "Filter is not an object";
pub(super) const EMPTY_OBJECT: &str = "Empty objects are not allowed";
pub(super) const EMPTY_ARRAY: &str = "Empty arrays are not allowed";
pub(super) const BAD_MATCH_VALUE: &str = "Match value must be String, number, true, false, or null";
pub(super) const MATCH_NAME_NOT_FOUND: &str = "Match expression name not found";
pub(super) const ONLY_ONE_KEY: &str = "Only one key allowed in match expression";
pub(super) const EXISTS_NOT_BOOLEAN: &str = "exists match pattern must be either true or false.";
pub(super) const TOO_MANY_KEYS: &str = "Filter policy can not have more than 5 keys";
pub(super) const TOO_COMPLEX: &str = "Filter policy is too complex";
pub(super) const TOO_LONG: &str = "Filter policy is too long";
pub(super) const NESTED_IN_ATTRIBUTE_SCOPE: &str =
    "Filter policy scope MessageAttributes does not support nested filter policy";

pub(super) const NUMERIC_NOT_ARRAY: &str = "Value of numeric must be an array.";
pub(super) const NUMERIC_TOO_MANY_ELEMENTS: &str = "Too many elements in numeric expression";
pub(super) const NUMERIC_TOO_MANY_TERMS: &str = "Too many terms in numeric range expression";
pub(super) const NUMERIC_BOTTOM_NOT_BELOW_TOP: &str = "Bottom must be less than top";
pub(super) const NUMBER_OUT_OF_RANGE: &str = "Value must be between -1.0E9 and 1.0E9, inclusive";

pub(super) const ANYTHING_BUT_NAME_NOT_FOUND: &str = "Anything-But expression name not found";
pub(super) const ANYTHING_BUT_BAD_VALUE: &str =
    "Value of anything-but must be an array or single string/number value.";
pub(super) const ANYTHING_BUT_BAD_ELEMENT: &str =
    "Inside anything but list, start|null|boolean is not supported.";
pub(super) const ANYTHING_BUT_MIXED: &str =
    "Inside anything but list, either all values are number or string, mixed type is not supported";

pub(super) const CIDR_ONE_SLASH: &str = "Malformed CIDR, one '/' required";
pub(super) const CIDR_MASK_NOT_INTEGER: &str = "Malformed CIDR, mask bits must be an integer";
pub(super) const CIDR_MASK_NEGATIVE: &str = "Malformed CIDR, mask bits must not be negative";
pub(super) const CIDR_IPV4_MASK: &str = "IPv4 mask bits must be < 32";
pub(super) const CIDR_IPV6_MASK: &str = "IPv6 mask bits must be < 128";

/// Shorthand for a rejection carrying one of the constant texts above.
pub(super) fn err(text: &str) -> PolicyError {
    PolicyError(text.to_owned())
}

pub(super) fn must_be_object_or_array(key: &str) -> PolicyError {
    PolicyError(format!("\"{key}\" must be an object or an array"))
}

pub(super) fn unrecognized_match_type(name: &str) -> PolicyError {
    PolicyError(format!("Unrecognized match type {name}"))
}

/// `operator` is `prefix`, `suffix` or `equals-ignore-case` (a non-string `cidr` also says `prefix`).
pub(super) fn pattern_must_be_string(operator: &str) -> PolicyError {
    PolicyError(format!("{operator} match pattern must be a string"))
}

pub(super) fn unsupported_anything_but(operator: &str) -> PolicyError {
    PolicyError(format!("Unsupported anything-but pattern: {operator}"))
}

/// `token` is rendered like Jackson's `getText()`; an exhausted array renders as `]`.
pub(super) fn invalid_numeric_member(token: &str) -> PolicyError {
    PolicyError(format!("Invalid member in numeric match: {token}"))
}

pub(super) fn unrecognized_numeric_operator(operator: &str) -> PolicyError {
    PolicyError(format!("Unrecognized numeric range operator: {operator}"))
}

/// AWS spells the `=` operator as `equals` in this message and echoes the others verbatim.
pub(super) fn value_must_be_numeric(operator: &str) -> PolicyError {
    let name = if operator == "=" { "equals" } else { operator };
    PolicyError(format!("Value of {name} must be numeric"))
}

pub(super) fn bad_numeric_range_value(token: &str) -> PolicyError {
    PolicyError(format!("Bad value in numeric range: {token}"))
}

pub(super) fn bad_numeric_range_operator(operator: &str) -> PolicyError {
    PolicyError(format!("Bad numeric range operator: {operator}"))
}

pub(super) fn nonstandard_ip(ip: &str) -> PolicyError {
    PolicyError(format!("Nonstandard IP address: {ip}"))
}

/// AWS's words for a policy that is not JSON ("FilterPolicy: failed to parse JSON." and
/// its parser's detail, LocalStack's AWS-recorded `invalid-json-filter-policy` snapshot).
pub(super) fn json_syntax(error: &SyntaxError) -> PolicyError {
    PolicyError(format!("failed to parse JSON. {error}"))
}
