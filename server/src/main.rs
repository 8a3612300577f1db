//! `sarafan`: see `sarafan --help`. The program is [`server::cli::main`].

fn main() -> anyhow::Result<()> {
    server::cli::main()
}
