//! `gureum`: parse the command line, start logging, hand over to the library.

fn main() -> std::process::ExitCode {
    gureum::cli::main()
}
