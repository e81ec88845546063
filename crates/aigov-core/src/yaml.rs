//! YAML configuration read in bounded memory.
//!
//! serde_norway stops exponential alias expansion ("billion laughs") but not quadratic
//! expansion: 118 KB of `key: *big_list` lines grew to 25 million strings and 1.4 GB. Every
//! YAML document aigov reads (policy.yaml, fairness rules, playbooks) goes through
//! [`from_yaml`], which refuses large files and counts the nodes the document expands to,
//! stopping at a budget before the typed value is built.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

/// Largest YAML document read.
pub const MAX_YAML_BYTES: usize = 1 << 20;

/// Most nodes (scalars, sequences, mappings) a YAML document may expand to, aliases counted
/// each time they are used.
pub const MAX_YAML_NODES: u64 = 100_000;

/// Why a YAML document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What is wrong, with the line and column where the parser knows them.
    pub message: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
}

impl From<serde_norway::Error> for YamlError {
    fn from(e: serde_norway::Error) -> Self {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        YamlError {
            message: e.to_string(),
            line,
            column,
        }
    }
}

/// Parses `text` as `T`, refusing documents over [`MAX_YAML_BYTES`] or expanding to more
/// than [`MAX_YAML_NODES`] nodes.
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(YamlError {
            message: format!(
                "{} bytes is more than the {MAX_YAML_BYTES} a YAML document may have",
                text.len()
            ),
            line: 0,
            column: 0,
        });
    }
    let mut left = MAX_YAML_NODES;
    NodeBudget { left: &mut left }.deserialize(serde_norway::Deserializer::from_str(text))?;
    Ok(serde_norway::from_str(text)?)
}

/// Walks a document without keeping it, spending one unit per node.
struct NodeBudget<'a> {
    left: &'a mut u64,
}

impl NodeBudget<'_> {
    fn spend<E: de::Error>(&mut self) -> Result<(), E> {
        if *self.left == 0 {
            return Err(E::custom(format!(
                "the document expands to more than {MAX_YAML_NODES} nodes (aliases count each time they are used)"
            )));
        }
        *self.left -= 1;
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for NodeBudget<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

macro_rules! leaf {
    ($($name:ident: $ty:ty),*) => {$(
        fn $name<E: de::Error>(mut self, _: $ty) -> Result<(), E> {
            self.spend()
        }
    )*};
}

impl<'de> Visitor<'de> for NodeBudget<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML document")
    }

    leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_i128: i128, visit_u128: u128,
          visit_f64: f64, visit_str: &str, visit_bytes: &[u8]);

    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.spend()
    }

    fn visit_none<E: de::Error>(mut self) -> Result<(), E> {
        self.spend()
    }

    fn visit_some<D: Deserializer<'de>>(mut self, d: D) -> Result<(), D::Error> {
        self.spend()?;
        NodeBudget { left: self.left }.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.spend()?;
        while seq
            .next_element_seed(NodeBudget {
                left: &mut *self.left,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.spend()?;
        while map
            .next_key_seed(NodeBudget {
                left: &mut *self.left,
            })?
            .is_some()
        {
            map.next_value_seed(NodeBudget {
                left: &mut *self.left,
            })?;
        }
        Ok(())
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom("YAML tags are not allowed here"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_aliases_are_refused_before_they_expand() {
        let mut text = String::from("big: &a [");
        text.push_str(&vec!["x"; 5000].join(", "));
        text.push_str("]\nkeys:\n");
        for i in 0..5000 {
            text.push_str(&format!("  k{i}: *a\n"));
        }
        let started = std::time::Instant::now();
        let err = from_yaml::<serde_json::Value>(&text).unwrap_err();
        assert!(err.message.contains("more than 100000 nodes"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn exponential_aliases_size_and_ordinary_documents() {
        let mut laughs = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (i, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            laughs.push_str(&format!("{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(from_yaml::<serde_json::Value>(&laughs).is_err());
        assert!(from_yaml::<serde_json::Value>(&"#".repeat(MAX_YAML_BYTES + 1)).is_err());
        let ok: serde_json::Value = from_yaml("a: [1, 2]\nb: {c: d}\n").unwrap();
        assert_eq!(ok, serde_json::json!({"a": [1, 2], "b": {"c": "d"}}));
        let bad = from_yaml::<serde_json::Value>("a: [1, 2\n").unwrap_err();
        assert!(bad.line > 0, "{bad:?}");
    }
}
