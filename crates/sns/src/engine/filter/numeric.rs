//! Numbers in filter policies: AWS's precision model and the `{"numeric": [...]}` operator.
//!
//! AWS compares numbers between -10^9 and 10^9 with five digits after the decimal point, so
//! every number is reduced to an integer count of 10^-5 units ([`quantize`]) before comparing;
//! that makes `300`, `3e2` and `300.000001` equal, as on AWS. Numbers outside the range cannot
//! take part in numeric comparisons at all.

use super::json::Node;
use super::messages::{self, err};
use super::PolicyError;

/// Largest magnitude AWS accepts in numeric comparisons.
pub(super) const LIMIT: f64 = 1e9;
/// 10^5: five decimal digits of precision.
const SCALE: f64 = 1e5;

/// The comparable form of `v`: whole 10^-5 units, or `None` if `v` is outside ±10^9 or not finite.
pub(super) fn quantize(v: f64) -> Option<i64> {
    if v.is_finite() && v.abs() <= LIMIT {
        // |v * 1e5| <= 1e14, well inside i64, so the cast is exact after rounding.
        Some((v * SCALE).round() as i64)
    } else {
        None
    }
}

/// A number written as an exact-match value (`"price": [300]`).
///
/// Out-of-range literals are still accepted by AWS; they then only match the identical number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct NumValue {
    raw: f64,
    units: Option<i64>,
}

impl NumValue {
    pub(super) fn new(raw: f64) -> NumValue {
        NumValue {
            raw,
            units: quantize(raw),
        }
    }

    pub(super) fn matches(&self, v: f64) -> bool {
        match self.units {
            Some(units) => quantize(v) == Some(units),
            None => v == self.raw,
        }
    }
}

/// One end of a numeric range, in 10^-5 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bound {
    Unbounded,
    Inclusive(i64),
    Exclusive(i64),
}

/// A compiled `{"numeric": [...]}` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NumericRange {
    lower: Bound,
    upper: Bound,
}

impl NumericRange {
    pub(super) fn contains(&self, v: f64) -> bool {
        let Some(x) = quantize(v) else {
            return false;
        };
        let above = match self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x >= b,
            Bound::Exclusive(b) => x > b,
        };
        let below = match self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(t) => x <= t,
            Bound::Exclusive(t) => x < t,
        };
        above && below
    }
}

/// A number used as an operand (numeric ranges, numeric anything-but): must be within ±10^9.
pub(super) fn operand(raw: f64) -> Result<i64, PolicyError> {
    quantize(raw).ok_or_else(|| err(messages::NUMBER_OUT_OF_RANGE))
}

/// Compiles the array of a `numeric` expression, checking it in the order AWS does:
/// `[op, n]` for `=`, `<`, `<=`, `>`, `>=`, or `[">"|">=", n, "<"|"<=", m]` with `n < m`.
pub(super) fn compile(items: &[Node]) -> Result<NumericRange, PolicyError> {
    let mut tokens = items.iter();
    let operator = match tokens.next() {
        None => return Err(messages::invalid_numeric_member("]")),
        Some(Node::String(op)) => op.as_str(),
        Some(other) => return Err(messages::invalid_numeric_member(&other.token_text())),
    };
    if !matches!(operator, "=" | "<" | "<=" | ">" | ">=") {
        return Err(messages::unrecognized_numeric_operator(operator));
    }
    let Some(Node::Number(first)) = tokens.next() else {
        return Err(messages::value_must_be_numeric(operator));
    };
    let first = first.value;
    let next = tokens.next();
    let (lower, upper) = match operator {
        ">" | ">=" => {
            let Some(second_operator) = next else {
                return single_bound(operator, first);
            };
            let top_operator = match second_operator {
                Node::String(op) if op == "<" || op == "<=" => op.as_str(),
                Node::String(op) => return Err(messages::bad_numeric_range_operator(op)),
                other => return Err(messages::bad_numeric_range_value(&other.token_text())),
            };
            let Some(Node::Number(top)) = tokens.next() else {
                return Err(messages::value_must_be_numeric(top_operator));
            };
            if tokens.next().is_some() {
                return Err(err(messages::NUMERIC_TOO_MANY_TERMS));
            }
            if first >= top.value {
                return Err(err(messages::NUMERIC_BOTTOM_NOT_BELOW_TOP));
            }
            let (bottom, top) = (operand(first)?, operand(top.value)?);
            let lower = if operator == ">" {
                Bound::Exclusive(bottom)
            } else {
                Bound::Inclusive(bottom)
            };
            let upper = if top_operator == "<" {
                Bound::Exclusive(top)
            } else {
                Bound::Inclusive(top)
            };
            (lower, upper)
        }
        _ => {
            if next.is_some() {
                return Err(err(messages::NUMERIC_TOO_MANY_ELEMENTS));
            }
            return single_bound(operator, first);
        }
    };
    Ok(NumericRange { lower, upper })
}

fn single_bound(operator: &str, value: f64) -> Result<NumericRange, PolicyError> {
    let v = operand(value)?;
    let (lower, upper) = match operator {
        "=" => (Bound::Inclusive(v), Bound::Inclusive(v)),
        ">" => (Bound::Exclusive(v), Bound::Unbounded),
        ">=" => (Bound::Inclusive(v), Bound::Unbounded),
        "<" => (Bound::Unbounded, Bound::Exclusive(v)),
        _ => (Bound::Unbounded, Bound::Inclusive(v)),
    };
    Ok(NumericRange { lower, upper })
}

#[cfg(test)]
mod tests {
    use super::super::json;
    use super::*;

    fn compile_text(text: &str) -> Result<NumericRange, String> {
        match json::parse(text).expect("test JSON") {
            Node::Array(items) => compile(&items).map_err(|e| e.0),
            _ => panic!("test input must be an array"),
        }
    }

    #[test]
    fn quantize_keeps_five_decimals() {
        assert_eq!(quantize(301.5), quantize(3.015e2));
        assert_eq!(quantize(1.000001), quantize(1.0));
        assert_ne!(quantize(1.00001), quantize(1.0));
        assert_eq!(quantize(1e9), Some(100_000_000_000_000));
        assert_eq!(quantize(1e9 + 1.0), None);
        assert_eq!(quantize(f64::NAN), None);
        assert_eq!(quantize(f64::INFINITY), None);
    }

    #[test]
    fn out_of_range_literals_match_only_themselves() {
        let big = NumValue::new(5e12);
        assert!(big.matches(5e12));
        assert!(!big.matches(5e12 + 1.0));
        assert!(NumValue::new(300.0).matches(3e2));
    }

    #[test]
    fn ranges_respect_open_and_closed_ends() {
        let cases: &[(&str, f64, bool)] = &[
            (r#"[">", 0, "<=", 150]"#, 0.0, false),
            (r#"[">", 0, "<=", 150]"#, 0.00001, true),
            (r#"[">", 0, "<=", 150]"#, 150.0, true),
            (r#"[">", 0, "<=", 150]"#, 150.00001, false),
            (r#"[">=", 10, "<", 20]"#, 10.0, true),
            (r#"[">=", 10, "<", 20]"#, 20.0, false),
            (r#"["<", 0]"#, -0.5, true),
            (r#"["<", 0]"#, 0.0, false),
            (r#"["<=", 0]"#, 0.0, true),
            (r#"["=", 301.5]"#, 3.015e2, true),
            (r#"["=", 301.5]"#, 301.50001, false),
            (r#"[">", 5]"#, 2e9, false),
        ];
        for &(text, value, expected) in cases {
            let range = compile_text(text).expect("valid range");
            assert_eq!(range.contains(value), expected, "{text} on {value}");
        }
    }

    #[test]
    fn rejects_like_aws() {
        let cases = [
            ("[]", "Invalid member in numeric match: ]"),
            (
                r#"["operator"]"#,
                "Unrecognized numeric range operator: operator",
            ),
            (r#"[1, "<="]"#, "Invalid member in numeric match: 1"),
            (r#"["=", "000"]"#, "Value of equals must be numeric"),
            (r#"[">="]"#, "Value of >= must be numeric"),
            (
                r#"["<", 100, ">", 10]"#,
                "Too many elements in numeric expression",
            ),
            (r#"[">=", 1, ">", 2]"#, "Bad numeric range operator: >"),
            (r#"[">", 3, "<", 1]"#, "Bottom must be less than top"),
            (r#"[">", 3, "<", 3]"#, "Bottom must be less than top"),
            (r#"[">", 20, "<="]"#, "Value of <= must be numeric"),
            (r#"[">", 20, 30]"#, "Bad value in numeric range: 30"),
            (r#"[">", 20, "test"]"#, "Bad numeric range operator: test"),
            (r#"[">", "20", "<", "30"]"#, "Value of > must be numeric"),
            (r#"[">", 20, "<", "30"]"#, "Value of < must be numeric"),
            (
                r#"[">", 20, "<", 30, "<", 50]"#,
                "Too many terms in numeric range expression",
            ),
            (r#"["=", 1, 2]"#, "Too many elements in numeric expression"),
            (r#"["<", 2e9]"#, messages::NUMBER_OUT_OF_RANGE),
            (r#"[null]"#, "Invalid member in numeric match: null"),
        ];
        for (text, expected) in cases {
            assert_eq!(compile_text(text), Err(expected.to_owned()), "{text}");
        }
    }
}
