// `evs bench`: how the kernel schedules a node's process, for its report. Corosync runs under
// round-robin real-time scheduling by default; `evs bench --realtime` starts its nodes the same
// way (BenchPlacement), and each node says what it got, so that a report shows whether the two
// systems were scheduled alike.
namespace Evs.Cli.Commands.Bench;

/// <summary>The scheduling policy of this process.</summary>
internal static class Scheduling
{
    // The policy field's values (sched.h), by name.
    private static readonly string[] Policies = ["other", "fifo", "rr", "batch", "iso", "idle", "deadline"];

    /// <summary>"other" (the usual time sharing), "rr", "fifo", ... from /proc; "unknown" off Linux or when it cannot be read.</summary>
    public static string OfThisProcess()
    {
        if (!OperatingSystem.IsLinux()) return "unknown";
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the third on (the name may hold spaces)
            return int.TryParse(fields[38], out int policy) && policy >= 0 && policy < Policies.Length ? Policies[policy] : "unknown"; // field 41: policy
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
