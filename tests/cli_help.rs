//! The command line describes itself: `casefile completions SHELL`, `casefile man`, and the
//! examples at the end of every `--help`, each of which must run as written on the bundled
//! fixtures (from the repository root, as a reader would paste it).

mod common;

use common::*;

/// Every subcommand as its path of words (`["jira", "attach"]`), in the order `--help` lists
/// them, read from the `Commands:` sections of the help itself (so a new subcommand is covered
/// without touching this test).
fn subcommands() -> Vec<Vec<String>> {
    fn walk(prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut args: Vec<&str> = prefix.iter().map(String::as_str).collect();
        args.push("--help");
        let help = casefile(&root(), &args);
        assert_eq!(help.code, 0, "casefile {args:?}: {}", help.stderr);
        let Some(commands) = help.stdout.split("Commands:\n").nth(1) else {
            return;
        };
        for line in commands.lines().take_while(|l| l.starts_with("  ")) {
            let name = line.split_whitespace().next().unwrap().to_string();
            if name == "help" {
                continue;
            }
            let mut path = prefix.clone();
            path.push(name);
            out.push(path.clone());
            walk(path, out);
        }
    }
    let mut out = Vec::new();
    walk(Vec::new(), &mut out);
    out
}

fn help_of(path: &[String]) -> String {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let run = casefile(&root(), &args);
    assert_eq!(run.code, 0, "casefile {args:?}: {}", run.stderr);
    run.stdout
}

/// The example lines of a help text: the indented `casefile ...` lines after its last
/// `Examples` heading.
fn examples(help: &str) -> Vec<String> {
    let Some(at) = help.rfind("\nExamples") else {
        return Vec::new();
    };
    help[at..]
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| l.starts_with("casefile "))
        .map(str::to_string)
        .collect()
}

/// The arguments of an example as a POSIX shell would pass them to casefile: words split on
/// blanks, '...' and "..." quotes removed, and everything from a pipe, a redirection or a
/// comment on left out (the test reads casefile's own output; `| jq .` is not casefile's job).
fn words(example: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in example.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, ' ') => out.extend(word.take()),
            (None, '|' | '>' | '#') if word.is_none() => break,
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unbalanced quote in example: {example}");
    out.extend(word);
    assert_eq!(out.first().map(String::as_str), Some("casefile"));
    out.remove(0);
    out
}

#[test]
fn words_are_split_as_the_shell_splits_them() {
    assert_eq!(
        words(r#"casefile requests d --around "2026-03-14 15:05 CET" --failed | jq ."#),
        [
            "requests",
            "d",
            "--around",
            "2026-03-14 15:05 CET",
            "--failed"
        ]
    );
    assert_eq!(
        words("casefile completions bash > ~/.x   # a comment"),
        ["completions", "bash"]
    );
}

#[test]
fn subcommands_are_the_ones_the_readme_documents() {
    let names: Vec<String> = subcommands().iter().map(|p| p.join(" ")).collect();
    assert_eq!(
        names,
        [
            "scan",
            "events",
            "cluster",
            "bundle",
            "verify",
            "baseline",
            "check",
            "trace",
            "requests",
            "jira",
            "jira attach",
            "completions",
            "man"
        ]
    );
}

#[test]
fn bash_completion_names_casefile_and_every_subcommand() {
    let run = casefile(&root(), &["completions", "bash"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("complete -F _casefile"),
        "{}",
        run.stdout
    );
    // The script's `case` arm of each subcommand: `casefile,trace)`, `casefile__subcmd__jira,attach)`.
    for path in subcommands() {
        let parent = match &path[..path.len() - 1] {
            [] => "casefile".to_string(),
            up => format!("casefile__subcmd__{}", up.join("__subcmd__")),
        };
        let arm = format!("{parent},{})", path.last().unwrap());
        assert!(run.stdout.contains(&arm), "bash completion lacks {arm}");
    }
    assert!(run.stdout.contains("casefile,trace)") && run.stdout.contains("casefile,requests)"));
    assert!(run.stdout.contains("--since") && run.stdout.contains("--window"));
}

#[test]
fn zsh_and_fish_completions_offer_since() {
    let zsh = casefile(&root(), &["completions", "zsh"]);
    assert_eq!(zsh.code, 0, "{}", zsh.stderr);
    assert!(
        zsh.stdout.starts_with("#compdef casefile"),
        "{}",
        zsh.stdout
    );
    assert!(zsh.stdout.contains("'--since=[Start of the range"));
    let fish = casefile(&root(), &["completions", "fish"]);
    assert_eq!(fish.code, 0, "{}", fish.stderr);
    // fish spells --since `-l since`, under the subcommands that take it.
    assert!(fish
        .stdout
        .contains("complete -c casefile -n \"__fish_casefile_using_subcommand events\" -l since"));
    assert!(fish
        .stdout
        .contains("complete -c casefile -n \"__fish_casefile_using_subcommand trace\" -l window"));
    for shell in ["elvish", "powershell"] {
        let run = casefile(&root(), &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("since"), "{shell}");
    }
}

#[test]
fn completions_for_an_unknown_shell_name_the_choices() {
    let run = casefile(&root(), &["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("invalid value 'tcsh' for '<SHELL>'\n  [possible values: bash, elvish, fish, powershell, zsh]"),
        "{}",
        run.stderr
    );
}

#[test]
fn man_is_a_page_for_casefile_then_one_per_subcommand() {
    let run = casefile(&root(), &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(".TH casefile 1 "),
        "{}",
        &run.stdout[..200]
    );
    let titles: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(".TH "))
        .map(|l| l.split(' ').nth(1).unwrap())
        .collect();
    let mut expected = vec!["casefile".to_string()];
    expected.extend(
        subcommands()
            .iter()
            .map(|p| format!("casefile-{}", p.join("-"))),
    );
    assert_eq!(titles, expected);
    // The top page lists the subcommands; each page ends with its examples.
    assert!(run.stdout.contains("casefile\\-trace(1)"));
    assert!(run
        .stdout
        .contains(".SH EXAMPLES\n.nf\ncasefile trace ee23490f28307d7b fixtures/checkout/logs\n"));
    assert!(!run.stdout.contains(".SH EXTRA"));
}

#[test]
fn every_help_ends_with_examples_of_real_subcommands() {
    let paths = subcommands();
    for path in &paths {
        let help = help_of(path);
        let name = path.join(" ");
        assert!(
            help.contains("\nExamples:\n"),
            "casefile {name} --help has no Examples:"
        );
        let examples = examples(&help);
        assert!(
            (2..=3).contains(&examples.len()),
            "casefile {name} --help: {} examples, not two or three",
            examples.len()
        );
        // The examples are the end of the help: nothing but them (and a note) after the heading.
        let tail = &help[help.rfind("\nExamples:\n").unwrap()..];
        assert!(tail.lines().skip(2).all(|l| l.starts_with("  ")), "{tail}");
        for example in examples {
            let words = words(&example);
            let real = paths
                .iter()
                .any(|p| p.len() <= words.len() && p[..] == words[..p.len()] && p[0] == path[0]);
            assert!(
                real,
                "casefile {name} --help: `{example}` is not a casefile {name} command"
            );
        }
    }
}

// The `baseline merge A B -o C` form is parsed by `baseline` itself (merge as the first path):
// `baseline merge --help` shows baseline's help, which must show the merge form too.
#[test]
fn baseline_merge_help_shows_the_merge_usage() {
    let help = casefile(&root(), &["baseline", "merge", "--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains(
        "Usage: casefile baseline [OPTIONS] --output <FILE> [PATHS]...\n       \
         casefile baseline merge <BASELINE> <BASELINE>... --output <FILE>\n"
    ));
    assert!(help
        .stdout
        .contains("casefile baseline merge /tmp/baseline.json /tmp/day.json -o /tmp/merged.json"));
}

/// Every example of every `--help` (the top one's included) runs on the fixtures: exit 0 or 1,
/// never 2. Files the examples write under /tmp go to a directory of the test's own; the
/// examples run in the help's order, so `verify` finds what `bundle` wrote and `check` the
/// baseline `baseline` made.
#[test]
fn every_help_example_runs_on_the_fixtures() {
    let tmp = tempfile::tempdir().unwrap();
    let mut helps = vec![help_of(&[])];
    helps.extend(subcommands().iter().map(|p| help_of(p)));
    let mut seen = std::collections::BTreeSet::new();
    for example in helps.iter().flat_map(|h| examples(h)) {
        if !seen.insert(example.clone()) {
            continue;
        }
        let args: Vec<String> = words(&example)
            .into_iter()
            .map(|a| match a.strip_prefix("/tmp/") {
                Some(rest) => tmp.path().join(rest).to_string_lossy().into_owned(),
                None => a,
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = casefile(&root(), &args);
        assert!(
            run.code == 0 || run.code == 1,
            "`{example}` exited {}: {}",
            run.code,
            run.stderr
        );
        assert!(!run.stdout.is_empty(), "`{example}` printed nothing");
    }
    assert!(seen.len() >= 30, "only {} examples", seen.len());
    for written in [
        "case.tar.gz",
        "case.zip",
        "baseline.json",
        "merged.json",
        "junit.xml",
    ] {
        assert!(
            tmp.path().join(written).is_file(),
            "no example wrote {written}"
        );
    }
}
