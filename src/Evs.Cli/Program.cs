// The `evs` command: the one door to the library for people — run a scenario in the
// simulator, soak the specifications in many generated schedules, check traces against the
// paper's specifications, show a demo, run nodes on a real network (one node, a whole cluster
// on this machine, the control of a running node, the live picture of several nodes joined),
// measure it, draw traces and the paper's figures, run the notebooks headlessly, and grade the
// student labs.
using System.CommandLine;
using Evs.Cli.Commands;
using Evs.Cli.Commands.Bench;

var root = new RootCommand("Evs.Reference: Extended Virtual Synchrony (Moser, Amir, Melliar-Smith, Agarwal, 1994) on a Totem ring.")
{
    SimCommand.Create(),
    CheckCommand.Create(),
    DemoCommand.Create(),
    LivenessCommand.Create(),
    SoakCommand.Create(),
    NodeCommand.Create(),
    ClusterCommand.Create(),
    WatchCommand.Create(),
    CtlCommand.Create(),
    KeygenCommand.Create(),
    BenchCommand.Create(),
    BenchNode.Create(),
    PlotCommand.Create(),
    FiguresCommand.Create(),
    NotebookCommand.Create(),
    LabCommand.Create(),
};
// No termination handler of System.CommandLine: `evs node` and `evs cluster` handle SIGINT and
// SIGTERM themselves, to stop cleanly however long that takes; the other commands just end.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
