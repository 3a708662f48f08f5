//! The example topologies of `examples/`, embedded at compile time by `build.rs`.

/// One embedded example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// File name without extension; `#example=NAME` opens it.
    pub name: &'static str,
    pub file: &'static str,
    pub text: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The example called `name`.
pub fn find(name: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.name == name)
}

impl Example {
    /// A line for menus: the start of the topology's `description:` (folded blocks included),
    /// else its first comment that is prose rather than a divider.
    pub fn summary(&self) -> String {
        let mut lines = self.text.lines();
        let mut description = String::new();
        while let Some(line) = lines.next() {
            let Some(value) = line.strip_prefix("description:").map(str::trim) else { continue };
            if matches!(value, ">" | ">-" | "|" | "|-" | "") {
                for more in lines.by_ref() {
                    if !more.starts_with(' ') || more.trim().is_empty() {
                        break;
                    }
                    description.push_str(more.trim());
                    description.push(' ');
                }
            } else {
                description = value.trim_matches(['"', '\'']).to_string();
            }
            break;
        }
        let text = if description.trim().is_empty() {
            self.text
                .lines()
                .filter_map(|l| l.trim().strip_prefix('#').map(str::trim))
                .find(|c| c.chars().filter(|ch| ch.is_alphabetic()).count() > 12 && !c.contains("---"))
                .unwrap_or_default()
                .to_string()
        } else {
            description
        };
        let first = text.split_inclusive(". ").next().unwrap_or_default().trim();
        if first.chars().count() > 160 {
            format!("{}…", first.chars().take(159).collect::<String>())
        } else {
            first.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_sorted_unique_and_load() {
        let names: Vec<&str> = EXAMPLES.iter().map(|e| e.file).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        for e in EXAMPLES {
            assert!(crate::load::load(e.text).is_ok(), "example {} does not load", e.file);
            assert_eq!(find(e.name), Some(e));
        }
        assert!(!names.contains(&"README.md"));
        for e in EXAMPLES {
            let s = e.summary();
            assert!(!s.contains("---") && !s.starts_with('>'), "{}: {s}", e.name);
        }
    }
}
