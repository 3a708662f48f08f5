//! Output that cannot be turned against its reader: a topology whose ids and name hold HTML,
//! Markdown, backticks, pipes, line breaks, terminal escape sequences and bidirectional
//! overrides, through every surface a person or a viewer reads (Markdown, terminal text, SARIF).
//! Each test reads the output back the way its reader would (code spans, table cells, SARIF's
//! embedded links) and checks that every id comes back as the text it is, and nothing else.

use blastmap_core::algo::what_if;
use blastmap_core::report::{analyze, Options, WhatIfReport};
use blastmap_core::spec::{Component, Topology};
use blastmap_core::{diff, export, load, render, Compiled, Report};

/// The target: HTML and a pipe.
const TARGET: &str = "<img src=http://x/leak onerror=alert(1)> | col";
/// A backtick inside an id.
const TICK: &str = "db`s";
/// Terminal escape sequences: clear the screen, turn red, ring the bell.
const ESC: &str = "\u{1b}[2J\u{1b}[31mowned\u{7}";
/// Line breaks that would start a heading and a list item.
const LINES: &str = "line\n# Heading\n- item";
/// A Markdown link, and an id with a carriage return and a backspace: a start-time cycle.
const LINK: &str = "[x](http://evil)";
const CR: &str = "a\rb\u{8}";
/// A bidirectional override (the "Trojan Source" trick).
const BIDI: &str = "admin\u{202e}txt.exe";
/// A monitor whose id is HTML.
const MONITOR: &str = "mon<b>";
/// The topology's name.
const NAME: &str = "<script>alert(1)</script>\n# injected";

fn topology() -> Topology {
    let c = |id: &str| Component::new(id);
    let mut target = c(TARGET);
    target.requires = vec![TICK.into()];
    target.monitored_by = vec![MONITOR.into()];
    target.availability = Some(0.999);
    target.network = Some("peering|nyc".into());
    let mut tick = c(TICK);
    tick.requires = vec![ESC.into(), LINES.into()];
    let mut monitor = c(MONITOR);
    monitor.requires = vec![TICK.into()];
    let mut link = c(LINK);
    link.requires_at_start = vec![CR.into()];
    let mut cr = c(CR);
    cr.requires = vec![LINK.into()];
    Topology {
        name: Some(NAME.into()),
        components: vec![target, tick, c(ESC), c(LINES), monitor, link, cr, c(BIDI)],
        ..Topology::default()
    }
}

fn analysed() -> (String, Compiled, Report) {
    let text = serde_json::to_string_pretty(&topology()).expect("JSON");
    let compiled = load(&text).expect("a valid topology");
    let report = analyze(&compiled, &Options::default());
    (text, compiled, report)
}

/// What a reader is shown for `s`: control characters and bidirectional controls escaped.
fn shown(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\u{1b}' => "\\x1b".to_string(),
            '\u{7}' => "\\x07".to_string(),
            '\u{8}' => "\\x08".to_string(),
            '\u{202e}' => "\\u{202e}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Characters no output may carry raw (beyond the line feeds between its own lines).
fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// CommonMark's code spans of one line: (byte range including the fences, content). A run of
/// backticks opens a span when it is not backslash-escaped, and the next run of the same length
/// closes it; one space is stripped from each side of a content that has both (and is not all
/// spaces).
fn code_spans(line: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let b = line.as_bytes();
    let run = |at: usize| b[at..].iter().take_while(|&&c| c == b'`').count();
    let (mut out, mut i, mut region) = (Vec::new(), 0, 0);
    while i < b.len() {
        if b[i] != b'`' || escaped(&line[region..], i - region) {
            i += 1;
            continue;
        }
        let n = run(i);
        let mut j = i + n;
        let close = loop {
            match line[j..].find('`') {
                None => break None,
                Some(k) => {
                    let at = j + k;
                    let m = run(at);
                    if m == n {
                        break Some(at);
                    }
                    j = at + m;
                }
            }
        };
        match close {
            Some(at) => {
                let mut content = &line[i + n..at];
                if content.len() >= 2 && content.starts_with(' ') && content.ends_with(' ') && content.trim() != "" {
                    content = &content[1..content.len() - 1];
                }
                out.push((i..at + n, content.to_string()));
                i = at + n;
                region = i;
            }
            None => i += n,
        }
    }
    out
}

/// `line` with its code spans cut out.
fn outside_code(line: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (r, _) in code_spans(line) {
        out.push_str(&line[at..r.start]);
        at = r.end;
    }
    out.push_str(&line[at..]);
    out
}

/// True when the character at byte `i` is escaped by an odd number of backslashes before it.
fn escaped(s: &str, i: usize) -> bool {
    s.as_bytes()[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// Checks one Markdown document: nothing raw, every heading one of ours, every row of a table
/// with as many cells as its header, and every markup character outside code spans escaped.
fn check_markdown(md: &str) {
    assert!(!md.chars().any(is_hidden), "raw control character in:\n{md}");
    let mut header_pipes: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('#') {
            assert!(line.starts_with("## Blastmap") || line.starts_with("### "), "a heading not ours: {line}");
        }
        if line.starts_with('|') {
            // GitHub splits cells on every unescaped pipe, inside code spans too.
            let pipes = line.match_indices('|').filter(|&(i, _)| !escaped(line, i)).count();
            assert_eq!(pipes, *header_pipes.get_or_insert(pipes), "a cell split: {line}");
            continue;
        }
        header_pipes = None;
        let words = outside_code(line);
        for (i, c) in words.char_indices() {
            if matches!(c, '<' | '>' | '[' | ']' | '*' | '_' | '|' | '&' | '`') && !escaped(&words, i) {
                // `- **Severity** ...` is ours.
                let ours = c == '*' && (words[i..].starts_with("**") || words[..i].ends_with('*'));
                assert!(ours, "unescaped `{c}` outside code in: {line}");
            }
        }
    }
}

/// Every code span's content in `md`, table cells unescaped the way GitHub reads them.
fn spans_of(md: &str) -> Vec<String> {
    md.lines()
        .flat_map(|line| {
            let in_table = line.starts_with('|');
            code_spans(line).into_iter().map(move |(_, c)| if in_table { c.replace("\\|", "|") } else { c })
        })
        .collect()
}

#[test]
fn markdown_shows_every_hostile_id_as_code_and_nothing_as_markup() {
    let (_, _, report) = analysed();
    let md = render::markdown(&report);
    check_markdown(&md);
    let spans = spans_of(&md);
    for id in [TARGET, TICK, ESC, LINES, MONITOR, BIDI] {
        assert!(spans.contains(&shown(id)), "`{}` is not a code span in:\n{md}", shown(id));
    }
    // The heading and the findings that quote ids, as a reader sees them.
    assert!(md.starts_with("## Blastmap: \\<script\\>alert(1)\\</script\\>\\\\n# injected\n"), "{md}");
    assert!(md.contains("- **High** single point of failure: `\\x1b[2J\\x1b[31mowned\\x07` takes down `<img src=http://x/leak onerror=alert(1)> | col`, `mon<b>` — hidden: shared by several targets; equivalent (each takes down the same outside this group): `line\\n# Heading\\n- item`, ``db`s``\n"), "{md}");
    assert!(md.contains("`\\x1b[2J\\x1b[31mowned\\x07`"), "{md}");
    // The availability table: the target's pipe does not split its cell.
    assert!(md.contains("| `<img src=http://x/leak onerror=alert(1)> \\| col` | 99.9000% (exact) |"), "{md}");
    // A cycle's title names its members without quotes: its words are escaped instead.
    assert!(
        md.contains("start-time dependency cycle: \\[x\\](http://evil) → a\\\\rb\\\\x08 → \\[x\\](http://evil)"),
        "{md}"
    );
    // The cold-start lists are code spans.
    assert!(md.contains("Never come up: `[x](http://evil)`, `a\\rb\\x08`"), "{md}");
}

#[test]
fn markdown_code_spans_survive_backticks_and_spaces() {
    for (id, span) in [
        ("a", "`a`"),
        ("a`b", "``a`b``"),
        ("a``b`", "``` a``b` ```"),
        ("`x", "`` `x ``"),
        (" padded ", "`  padded  `"),
        (" ", "` `"),
        ("", "` `"),
        ("a|b", "`a|b`"),
    ] {
        assert_eq!(render::code(id), span, "{id:?}");
        let read: Vec<String> = code_spans(span).into_iter().map(|(_, c)| c).collect();
        assert_eq!(read, [if id.is_empty() { " " } else { id }], "{span} reads back");
    }
    assert_eq!(render::code_in_table("a|b"), "`a\\|b`");
}

#[test]
fn terminal_text_shows_control_characters_escaped() {
    let (_, compiled, report) = analysed();
    for color in [false, true] {
        let text = render::text(&report, color);
        // Our own colors are the only escape sequences: `ESC [ digits/; m`.
        let mut rest = text.clone();
        for code in ["1;31", "31", "33", "36", "35", "32", "1", "2", "0"] {
            rest = rest.replace(&format!("\u{1b}[{code}m"), "");
        }
        assert!(!rest.chars().any(is_hidden), "raw control character (color {color}):\n{text}");
        assert!(!color || text != rest, "color asked for, none given");
        assert!(text.contains("\\x1b[2J\\x1b[31mowned\\x07"), "{text}");
        assert!(text.contains("line\\n# Heading\\n- item"), "{text}");
        assert!(text.contains("admin\\u{202e}txt.exe"), "{text}");
        // Ids keep their backticks; only the quotes around them go.
        assert!(
            rest.contains(
                "equivalent (each takes down the same outside this group): line\\n# Heading\\n- item, db`s\n"
            ),
            "{rest}"
        );
    }
    let model = &compiled.model;
    let w = WhatIfReport::new(model, None, &what_if(model, &[model.lookup(ESC).expect("known")]));
    let text = render::what_if_text(&w, false);
    assert!(!text.chars().any(is_hidden), "{text}");
    assert!(text.starts_with("Failed: \\x1b[2J\\x1b[31mowned\\x07\n"), "{text}");
    assert!(text.contains("\\x1b[2J\\x1b[31mowned\\x07 → db`s"), "{text}");
}

#[test]
fn what_if_and_diff_markdown_cannot_be_closed_or_split_by_an_id() {
    // An id of three backticks, alone on a what-if line, would close a ``` fence.
    let mut t = topology();
    t.components.push(Component { requires: vec![TICK.into()], ..Component::new("```") });
    let text = serde_json::to_string(&t).expect("JSON");
    let compiled = load(&text).expect("valid");
    let model = &compiled.model;
    let w = WhatIfReport::new(model, None, &what_if(model, &[model.lookup(TICK).expect("known")]));
    let md = render::what_if_markdown(&w);
    let lines: Vec<&str> = md.lines().collect();
    let fence = lines[0];
    assert!(fence.len() >= 4 && fence.chars().all(|c| c == '`'), "{md}");
    assert_eq!(lines.last(), Some(&fence));
    assert_eq!(lines.iter().filter(|l| l.trim_start().starts_with(fence)).count(), 2, "{md}");
    assert!(!md.chars().any(is_hidden), "{md}");

    let (_, before, rb) = analysed();
    let ra = analyze(&compiled, &Options::default());
    let d = diff::diff((&before.model, &rb), (model, &ra));
    let md = render::diff_markdown(&d);
    check_markdown(&md);
    assert!(
        md.starts_with("## Blastmap design diff: \\<script\\>alert(1)\\</script\\>\\\\n# injected → \\<script"),
        "{md}"
    );
    assert!(spans_of(&md).contains(&"network:peering|nyc".to_string()), "{md}");
    let text = render::diff_text(&d, true);
    assert!(!text.replace("\u{1b}[", "").chars().any(is_hidden), "{text}");
}

/// SARIF's plain-text messages read `[text](target)` as a link and unescape `\[`, `\]`, `\\`.
fn sarif_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let next = chars.next().expect("no lone backslash at the end");
            assert!(matches!(next, '\\' | '[' | ']'), "`\\{next}` is not a SARIF escape in {s}");
            out.push(next);
        } else {
            assert!(c != '[' && c != ']', "an unescaped `{c}` could open a link in {s}");
            out.push(c);
        }
    }
    out
}

#[test]
fn sarif_messages_carry_no_links_and_no_control_characters() {
    let (_, compiled, report) = analysed();
    let sarif: serde_json::Value = serde_json::from_str(&export::sarif(&report, &compiled, &["t.json"])).expect("JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), report.findings.len());
    let mut messages = Vec::new();
    for (r, f) in results.iter().zip(&report.findings) {
        let message = r["message"]["text"].as_str().expect("text");
        assert!(!message.chars().any(is_hidden), "{message}");
        messages.push(sarif_unescape(message));
        // The logical location is data: the id exactly as written.
        assert_eq!(r["locations"][0]["logicalLocations"][0]["name"], f.subject.as_str());
    }
    assert!(
        messages.contains(&"single point of failure: '\\x1b[2J\\x1b[31mowned\\x07' takes down '<img src=http://x/leak onerror=alert(1)> | col', 'mon<b>'".to_string()),
        "{messages:#?}"
    );
    assert!(
        messages.contains(&"start-time dependency cycle: [x](http://evil) → a\\rb\\x08 → [x](http://evil)".to_string()),
        "{messages:#?}"
    );
}

#[test]
fn title_pieces_find_the_quoted_ids() {
    use render::Piece::{Id, Words};
    let ids = ["a`b", "c", "a"];
    let is_id = |s: &str| ids.contains(&s);
    assert_eq!(
        render::pieces("x `a`b` y `c` z `d", &is_id, 3),
        [Words("x "), Id("a`b"), Words(" y "), Id("c"), Words(" z `d")]
    );
    // Beyond the longest id nothing is tried: `a` is taken.
    assert_eq!(render::pieces("`a`b`", &is_id, 1), [Id("a"), Words("b`")]);
    assert_eq!(render::plain_title("`a`b` and `q`", &is_id, 3), "a`b and `q`");
    assert_eq!(render::visible("ok \u{1b}[0m\u{9b}\u{2067}"), "ok \\x1b[0m\\u{9b}\\u{2067}");
}
