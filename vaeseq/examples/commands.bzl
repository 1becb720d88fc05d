"""The Bazel binaries of an example's commands."""

def command_binaries(commands, deps):
    """Declares one py_binary per command, each running the example's cli.py.

    `bazel run //vaeseq/examples/<example>:<command> -- FLAGS` then runs
    `vaeseq-<example> <command> FLAGS`: the binary passes its command as the
    CLI's first argument, so no module stands in for a command.

    Args:
      commands: the commands, which name the binaries.
      deps: what cli.py needs.
    """
    for command in commands:
        native.py_binary(
            name = command,
            srcs = ["cli.py"],
            args = [command],
            main = "cli.py",
            deps = deps,
        )
