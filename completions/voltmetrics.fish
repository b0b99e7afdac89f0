# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_voltmetrics_global_optspecs
    string join \n h/help V/version
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

complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "calc" -d 'Calculate one equipment from flags and print every intermediate and final value'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c voltmetrics -n "__fish_voltmetrics_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l voltage -d 'Nominal line-to-line voltage in volts (208 to 15000)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l fault-current -d 'Three-phase bolted fault current in kA (0.5-106 at <= 600 V, 0.2-65 above)' -r
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
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l duration -d 'Arc duration (clearing time) at the full arcing current, ms' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l duration-reduced -d 'Arc duration at the reduced arcing current, ms [default: --duration]' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l class -d 'Equipment class; fills missing values from IEEE 1584-2018 Tables 8 and 10' -r -f -a "switchgear\t''
switchboard\t''
mcc\t''
panelboard\t''
cable_junction_box\t''
open_air\t''
other\t''"
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l danger-threshold -d 'Incident energy above which `danger` is set, cal/cm² (owner policy)' -r
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -l json -d 'Print one JSON object (keys: the output column names, plus `intermediate`)'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -s h -l help -d 'Print help'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand calc" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand completions" -s h -l help -d 'Print help'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand completions" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand man" -s h -l help -d 'Print help'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand man" -s V -l version -d 'Print version'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from calc completions man help" -f -a "calc" -d 'Calculate one equipment from flags and print every intermediate and final value'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from calc completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from calc completions man help" -f -a "man" -d 'Print the man page (roff) to stdout'
complete -c voltmetrics -n "__fish_voltmetrics_using_subcommand help; and not __fish_seen_subcommand_from calc completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
