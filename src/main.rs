fn main() -> std::process::ExitCode {
    voltmetrics::cli::main()
}
