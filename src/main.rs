//! The `casefile` binary: parse arguments, run the command, print one error, exit with a code.

use clap::Parser as _;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let command = match casefile::cli::CommandLine::parse().command {
        casefile::cli::TopCommand::Logs(command) => command,
        casefile::cli::TopCommand::Meta(meta) => std::process::exit(meta.run()),
    };
    let cli = casefile::cli::Cli { command };
    let code = match casefile::config::Config::from_cli(cli, argv) {
        Ok(cfg) => casefile::commands::run(cfg),
        Err(e) => {
            eprintln!("casefile: error: {e}");
            casefile::commands::EXIT_TROUBLE
        }
    };
    std::process::exit(code);
}
