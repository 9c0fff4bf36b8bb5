// The paper, Section 4, the second condition of a legal history: a process does one thing at a
// time. Section 5.1: "Property L2 follows from Specifications 1.1, 1.2 and 6.1." And "failure of
// a process is modeled by the distinguished final event, stop".
using Evs.Reference.VirtualSynchrony;

namespace Evs.Reference.Checking.VirtualSynchrony;

/// <summary>
/// L2: "Distinct events of the same process have distinct times."
/// <para>A trace gives each event of a process its index <c>i</c>, its local time: the indices of
/// every process must be 0, 1, …, n-1 — two events with one index have one time, and a gap is an
/// event that H lost. This class also judges that nothing follows a <c>stop</c> at the same process
/// identifier (Section 4: stop is "the distinguished final event"; a recovered process continues
/// under a new identifier): an event after the stop would be a time of the process after its last
/// one. It is reported here, with the other conditions on one process's own sequence of events,
/// rather than under C1, which is about causes missing from H.</para>
/// </summary>
internal sealed class L2DistinctLocalTimes : VsCondition
{
    public override string Name => "L2";
    public override string Title => "Distinct events of one process have distinct times; stop is its last event";

    public override Violation? Check(VsCheckContext context)
    {
        var h = context.Recorded;
        for (int p = 0; p < h.Processes.Length; p++)
        {
            int start = h.ProcessStart[p];
            if (h.Events[start].Index != 0)
                return VsCheckContext.Violation(this, $"the first event of {h.Processes[p]} has index {h.Events[start].Index}: its events 0..{h.Events[start].Index - 1} are missing", h, start);
            for (int e = start + 1; e < h.ProcessStart[p + 1]; e++)
            {
                long previous = h.Events[e - 1].Index, index = h.Events[e].Index;
                if (index == previous)
                    return VsCheckContext.Violation(this, $"two events of {h.Processes[p]} have index {index}: one time for distinct events", h, e - 1, e);
                if (index != previous + 1)
                    return VsCheckContext.Violation(this, $"{h.Processes[p]} has events {previous} and {index} but none between", h, e - 1, e);
                if (h.Events[e - 1] is Stop)
                    return VsCheckContext.Violation(this, $"{h.Processes[p]} has an event after its stop, the final event of a failed process", h, e - 1, e);
            }
        }
        return null;
    }
}
