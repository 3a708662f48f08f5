//! [`Name`]: a component's id as reports hold it, one allocation shared by every list it is in.
//!
//! A report at a million edges names components millions of times (each single point of
//! failure lists what it takes down, each finding its evidence). As `String`s each mention was an
//! allocation and a copy, and building them cost more than the analyses. The model makes one
//! `Name` per node; a report clones it (a reference count), and serializes it as the string.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A shared, immutable string: reads as `&str` (it derefs to one), compares, orders and hashes
/// as its text, and is written in JSON as a plain string.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Arc<str>);

impl Name {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::from("")
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Arc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Arc::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(Arc::from(s.as_str()))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.0.to_string()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Name::from)
    }
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn a_name_reads_compares_and_serializes_as_its_text() {
        let a = Name::from("db-1");
        let b = a.clone();
        assert!(std::ptr::eq(a.as_str(), b.as_str()), "a clone shares the text");
        assert_eq!(a, "db-1");
        assert_eq!(a, "db-1".to_string());
        assert_eq!("db-1", a);
        let mut names: Vec<Name> = ["ba", "b", "a"].into_iter().map(Name::from).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "ba"], "ordered as text");
        assert_eq!(serde_json::to_string(&vec![a.clone()]).unwrap(), r#"["db-1"]"#);
        assert_eq!(serde_json::from_str::<Name>(r#""db-\u0031""#).unwrap(), a);
        assert_eq!(format!("{a} {a:?}"), r#"db-1 "db-1""#);
    }
}
