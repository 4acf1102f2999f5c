//! The `casefile` binary: parse arguments, run the command, print one error, exit with a code.

use clap::Parser as _;

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    let cli = casefile::cli::Cli::parse();
    let code = match casefile::config::Config::from_cli(cli, argv) {
        Ok(cfg) => casefile::commands::run(cfg),
        Err(e) => {
            eprintln!("casefile: error: {e}");
            casefile::commands::EXIT_TROUBLE
        }
    };
    std::process::exit(code);
}
