# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_voltmetrics_global_optspecs
    string join \n config= log-format= h/help V/version
end

function __fish_voltmetrics_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_voltmetrics_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_voltmetrics_using_subcommand
    set -l cmd (__fish_voltmetrics_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "run" -d 'Compute every equipment of one or more inventories: results, facility summary, gates'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "validate" -d 'Check inventories without calculating; exit 0 when clean, 3 otherwise'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "calc" -d 'Calculate one equipment from flags and print every intermediate and final value'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "labels" -d 'Arc-flash labels (SVG, PDF, PNG) for every computed equipment or enclosure'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "report" -d 'One self-contained HTML report: portfolio, facilities, charts, rows needing attention'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "schema" -d 'Print the JSON Schema of a row (input, output, summary) or of the device library, or the default risk matrix'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "mappings" -d 'The bundled column mappings of --mapping (ETAP, SKM, EasyPower exports): list, show'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "db" -d 'Manage the PostgreSQL schema: migrate, rollback, status'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "history" -d 'Stored facility results over time, optionally downsampled (1d, 1w, 1mo)'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "config" -d 'The config file (--config, VOLTMETRICS_CONFIG): show the options a command would use'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s o -l output -d 'Results file, or - for stdout [default: stdout; CSV, or a table on a terminal]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l format -d 'Results format [default: from the -o extension]' -r -f -a "csv\t''
parquet\t''
json\t''
ndjson\t''
table\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l select -d 'Write only these result columns, in this order: names, 1-based numbers, ranges (A-B, -B, A-) and !exclusions, comma-separated (as xsv select), e.g. equipment_id,status,incident_energy_cal_cm2 or !errors,!input_hash. Every format; the summary and the databases keep every column' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l precision -d 'Round numbers to N decimals in CSV and the table (CSV keeps every digit without it)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l color -d 'Colour danger, failing and invalid cells of the table: auto (a terminal, NO_COLOR unset, TERM not dumb), always or never' -r -f -a "auto\t'When stdout is a terminal, NO_COLOR is unset or empty and TERM is not dumb'
always\t'Always (even into a file or a pipe, and with NO_COLOR set)'
never\t'Never'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l summary -d 'Also write the facility summary here (format from the extension)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l as-of -d 'Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s j -l jobs -d 'Worker threads [default: all cores]. Results are identical for any value' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l method -d 'Calculation method: auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC: ieee1584-2018@1) or a method id; a row\'s own `method` column wins' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l devices -d 'Protective-device library (TOML; voltmetrics-devices(5)): rows without arc_duration_ms take both clearing times from their protective_device_id' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l max-arc-duration -d 'Cap of device-derived clearing times in ms (ARC_DURATION_CAPPED), or none; a device that does not trip gets the cap (DEVICE_NO_TRIP), or without one the row is not applicable' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l danger-threshold -d 'Incident energy above which `danger` is set, cal/cm² (owner policy)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l maintenance-intervals -d 'Maintenance intervals in months for NFPA 70B condition 1, 2, 3' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l risk-matrix -d 'Likelihood × severity matrix (TOML; keys left out keep their defaults, which `voltmetrics schema risk` prints) for risk_severity, risk_likelihood, risk_score and risk_level' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l sheet -d 'The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default: the first]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l mapping -d 'Column mapping of CSV and workbook inputs (TOML, voltmetrics-mapping(5); or a bundled one: etap, skm, easypower): renames, unit conversions, value maps' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l fail-on -d 'Exit 3 (invalid) or 4 (noncompliant, danger) when the gate trips; repeatable' -r -f -a "invalid\t'Exit 3 when any row is invalid'
noncompliant\t'Exit 4 when any row\'s compliance status is `fail`'
danger\t'Exit 4 when any row is above the danger threshold'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l progress -d 'Progress bar on stderr (auto: on a terminal, with text logs)' -r -f -a "auto\t'A progress bar when stderr is a terminal'
always\t'Always draw it (on stderr)'
never\t'Never'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l postgres -d 'PostgreSQL URL: upsert results, summaries and the run record (history)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l shard -d 'Compute only the facilities of shard I of N (0 <= I < N): FNV-1a 64 of facility_id mod N. The union of the N shard runs is the whole run' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l samples -d 'Samples per row with --uncertainty' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l seed -d 'Seed of --uncertainty: each row\'s samples come from it and the row\'s ids, so the same seed gives the same results for any --jobs or --shard' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l metrics-file -d 'Write the run\'s metrics here in Prometheus\' text format (for node_exporter\'s textfile collector): rows by status, facilities, findings by rule, danger rows, stage and run durations, exit code, last success. Written whole and renamed; also on failure' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l chunk-rows -d 'Rows read, computed and written at a time (memory is bounded by a few chunks). A testing knob: the results do not depend on it' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l redis -d 'Redis URL: warm the latest results, facility summaries and run status' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l redis-prefix -d 'Prefix of every Redis key (and of the `runs` channel)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l redis-ttl -d 'Expire the Redis keys after this many seconds [default: never]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l wide -d 'The table shows every column (by default it shows the compact view: ids, status, method, incident energy, boundary, PPE category, danger, compliance, findings)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l portfolio -d 'Add a facility_id = "*" portfolio row to the summary'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l migrate -d 'Apply pending database migrations before writing (otherwise a schema behind the binary is an error)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l uncertainty -d 'Sample each computed row\'s uncertain inputs (fault current, clearing time, working distance, gap; tolerances from the *_tolerance_pct columns) and add the incident energy\'s P50/P95/P99 and the probabilities of exceeding the label, the PPE category and the danger threshold (model mc@1)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -l redis-prune -d 'Delete the Redis keys of facilities that are not in this run [default: keep them, for runs over one site at a time]'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s q -l quiet -d 'Only warnings and errors on stderr (no summary line)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s v -l verbose -d 'More detail on stderr: -v the stages, their times and counts (debug), -vv trace. -q and -v win over RUST_LOG'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand run" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l method -d 'The calculation method the rows are checked for (what it needs must be given)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l devices -d 'Protective-device library (TOML): checked first (a problem is exit 1), then the rows\' protective_device_id against it (an unknown id is an invalid row, exit 3)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l format -d 'Report format' -r -f -a "text\t''
json\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l sheet -d 'The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default: the first]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l mapping -d 'Column mapping of CSV and workbook inputs (TOML file, or etap, skm, easypower)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand validate" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l voltage -d 'Nominal voltage in volts (AC line-to-line; DC system voltage)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l fault-current -d 'Bolted fault current in kA (IEEE 1584-2018: 0.5-106 at <= 600 V, 0.2-65 above)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l config -d 'Electrode configuration [default: from --class]' -r -f -a "VCB\t''
VCBB\t''
HCB\t''
VOA\t''
HOA\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l gap -d 'Conductor gap in mm [default: from --class]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l distance -d 'Working distance in mm [default: from --class]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l height -d 'Enclosure inside height in mm (VCB, VCBB, HCB) [default: from --class]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l width -d 'Enclosure inside width in mm (VCB, VCBB, HCB) [default: from --class]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l depth -d 'Enclosure inside depth in mm; unknown = typical (not shallow) box' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l duration -d 'Arc duration (clearing time) at the full arcing current, ms [required without --device; given, it wins over the device]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l duration-reduced -d 'Arc duration at the reduced arcing current, ms [default: --duration]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l devices -d 'Protective-device library (TOML; see voltmetrics-devices(5))' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l device -d 'The device of the library that clears the arc: the clearing times at the full and the reduced arcing current come from it' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l device-current-factor -d 'The current through the device as a multiple of the arcing current [default: 1]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l max-arc-duration -d 'Cap of device-derived clearing times in ms, or none [default: 2000, IEEE 1584]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l class -d 'Equipment class; fills missing values from IEEE 1584-2018 Tables 8 and 10' -r -f -a "switchgear\t''
switchboard\t''
mcc\t''
panelboard\t''
cable_junction_box\t''
open_air\t''
other\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l system -d 'AC or DC' -r -f -a "ac\t''
dc\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l method -d 'Calculation method: a method id, or auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC: ieee1584-2018@1)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l grounding -d 'System grounding (IEEE 1584-2002)' -r -f -a "grounded\t''
ungrounded\t''
high_resistance\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l danger-threshold -d 'Incident energy above which `danger` is set, cal/cm² (owner policy)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l json -d 'Print one JSON object (keys: the output column names, plus `intermediate`)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -s o -l output -d 'A directory (created when missing) for {facility_id}/{equipment_id}.{ext}, or a .pdf file for one multi-page PDF' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l format -d 'Label format [default: pdf for -o FILE.pdf, svg otherwise]' -r -f -a "svg\t'SVG (the template itself)'
pdf\t'PDF: one file per label, or one multi-page file with `-o FILE.pdf`'
png\t'PNG at 200 dpi'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l size -d 'Label stock' -r -f -a "4x6\t'4 × 6 in, landscape'
4x4\t'4 × 4 in'
A6\t'A6 (148 × 105 mm), landscape'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l per -d 'One label per equipment, or per enclosure (input column enclosure_id)' -r -f -a "equipment\t'One label per computed equipment'
enclosure\t'One label per `enclosure_id`: the worst case of its equipment'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l units -d 'Units of lengths' -r -f -a "metric\t'Millimetres'
imperial\t'Feet and inches'
both\t'Millimetres with feet and inches in brackets'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l energy -d 'The energy field: incident energy at the working distance, or minimum arc rating of clothing (NFPA 70E 130.5(H)(3))' -r -f -a "incident-energy\t'The incident energy at the working distance'
arc-rating\t'The minimum arc rating of clothing'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l as-of -d 'Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -s j -l jobs -d 'Worker threads [default: all cores]. Results are identical for any value' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l method -d 'Calculation method: auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC: ieee1584-2018@1) or a method id; a row\'s own `method` column wins' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l devices -d 'Protective-device library (TOML; voltmetrics-devices(5)): rows without arc_duration_ms take both clearing times from their protective_device_id' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l max-arc-duration -d 'Cap of device-derived clearing times in ms (ARC_DURATION_CAPPED), or none; a device that does not trip gets the cap (DEVICE_NO_TRIP), or without one the row is not applicable' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l danger-threshold -d 'Incident energy above which `danger` is set, cal/cm² (owner policy)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l maintenance-intervals -d 'Maintenance intervals in months for NFPA 70B condition 1, 2, 3' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l risk-matrix -d 'Likelihood × severity matrix (TOML; keys left out keep their defaults, which `voltmetrics schema risk` prints) for risk_severity, risk_likelihood, risk_score and risk_level' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l sheet -d 'The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default: the first]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l mapping -d 'Column mapping of CSV and workbook inputs (TOML, voltmetrics-mapping(5); or a bundled one: etap, skm, easypower): renames, unit conversions, value maps' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -s q -l quiet -d 'No summary line on stderr (rows without a label are still listed)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand labels" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -s o -l output -d 'The HTML file (written atomically), or - for stdout' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l postgres -d 'PostgreSQL URL: add each facility\'s trend from the stored history (the runs stored by `run --postgres`; this command stores nothing)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l as-of -d 'Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -s j -l jobs -d 'Worker threads [default: all cores]. Results are identical for any value' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l method -d 'Calculation method: auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC: ieee1584-2018@1) or a method id; a row\'s own `method` column wins' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l devices -d 'Protective-device library (TOML; voltmetrics-devices(5)): rows without arc_duration_ms take both clearing times from their protective_device_id' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l max-arc-duration -d 'Cap of device-derived clearing times in ms (ARC_DURATION_CAPPED), or none; a device that does not trip gets the cap (DEVICE_NO_TRIP), or without one the row is not applicable' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l danger-threshold -d 'Incident energy above which `danger` is set, cal/cm² (owner policy)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l maintenance-intervals -d 'Maintenance intervals in months for NFPA 70B condition 1, 2, 3' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l risk-matrix -d 'Likelihood × severity matrix (TOML; keys left out keep their defaults, which `voltmetrics schema risk` prints) for risk_severity, risk_likelihood, risk_score and risk_level' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l sheet -d 'The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default: the first]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l mapping -d 'Column mapping of CSV and workbook inputs (TOML, voltmetrics-mapping(5); or a bundled one: etap, skm, easypower): renames, unit conversions, value maps' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -s q -l quiet -d 'No summary line on stderr'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand report" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand schema" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand schema" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'The bundled mappings, a line each: name and what it maps'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'A bundled mapping\'s TOML (a start for your own: save it, edit it, pass the file)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from list" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from show" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from help" -f -a "list" -d 'The bundled mappings, a line each: name and what it maps'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from help" -f -a "show" -d 'A bundled mapping\'s TOML (a start for your own: save it, edit it, pass the file)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand mappings; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -f -a "migrate" -d 'Apply migrations up to --to (default: the latest)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -f -a "rollback" -d 'Undo migrations down to --to (default: one step back)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -f -a "status" -d 'Show the schema version, the applied migrations and TimescaleDB availability'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and not __fish_seen_subcommand_from migrate rollback status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -l postgres -d 'PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -l to -d 'Target schema version' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -l timescale -d 'Use TimescaleDB (hypertables, continuous aggregates), creating the extension if needed. Without it TimescaleDB is used only when the extension already exists in the database'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from rollback" -l postgres -d 'PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from rollback" -l to -d 'Target schema version' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from rollback" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from rollback" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from status" -l postgres -d 'PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from status" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply migrations up to --to (default: the latest)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "rollback" -d 'Undo migrations down to --to (default: one step back)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the schema version, the applied migrations and TimescaleDB availability'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l postgres -d 'PostgreSQL URL' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l facility -d 'Only this facility' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l since -d 'From this time, inclusive (YYYY-MM-DD or RFC 3339)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l until -d 'Up to this time, inclusive (YYYY-MM-DD or RFC 3339)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l bucket -d 'Downsample per facility: max and mean incident energy, counts, compliance rate' -r -f -a "1d\t''
1w\t''
1mo\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -s o -l output -d 'Output file, or - for stdout [default: stdout]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l format -d 'Output format [default: from the -o extension; CSV on a pipe, a table on a terminal]' -r -f -a "csv\t''
parquet\t''
json\t''
ndjson\t''
table\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand history" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and not __fish_seen_subcommand_from show help" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print the options a command would run with and where each comes from (flag, environment, file, default), URL passwords hidden'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "toml\t'TOML (a config file, each value\'s source in a comment)'
json\t'JSON: {command, file, options: {name: {value, source}}}'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Read options from this TOML file (voltmetrics-config(5)): the command line and the environment win over it, it wins over the defaults' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from show" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the options a command would run with and where each comes from (flag, environment, file, default), URL passwords hidden'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand completions" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand completions" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand man" -l log-format -d 'Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage, fields). -q/-v or RUST_LOG choose the level' -r -f -a "text\t'`voltmetrics: …` lines (the message only; fields are for JSON)'
json\t'One JSON object per line: timestamp, level, target, run_id, stage, fields'"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand man" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "run" -d 'Compute every equipment of one or more inventories: results, facility summary, gates'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "validate" -d 'Check inventories without calculating; exit 0 when clean, 3 otherwise'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "calc" -d 'Calculate one equipment from flags and print every intermediate and final value'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "labels" -d 'Arc-flash labels (SVG, PDF, PNG) for every computed equipment or enclosure'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "report" -d 'One self-contained HTML report: portfolio, facilities, charts, rows needing attention'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "schema" -d 'Print the JSON Schema of a row (input, output, summary) or of the device library, or the default risk matrix'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "mappings" -d 'The bundled column mappings of --mapping (ETAP, SKM, EasyPower exports): list, show'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "db" -d 'Manage the PostgreSQL schema: migrate, rollback, status'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "history" -d 'Stored facility results over time, optionally downsampled (1d, 1w, 1mo)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "config" -d 'The config file (--config, VOLTMETRICS_CONFIG): show the options a command would use'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from run validate calc labels report schema mappings db history config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from mappings" -f -a "list" -d 'The bundled mappings, a line each: name and what it maps'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from mappings" -f -a "show" -d 'A bundled mapping\'s TOML (a start for your own: save it, edit it, pass the file)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply migrations up to --to (default: the latest)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "rollback" -d 'Undo migrations down to --to (default: one step back)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show the schema version, the applied migrations and TimescaleDB availability'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the options a command would run with and where each comes from (flag, environment, file, default), URL passwords hidden'
