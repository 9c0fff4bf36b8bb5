// The simulator's application hook: by default each process's application sends random payloads
// at the scenario's traffic rate; an application of its own (a group layer and its workload, say)
// sees instead what the ring does at each process and decides what to send, deterministically,
// from the run's events and a seed of its own. Without one, nothing of the run changes.
using Evs.Reference.Model;
using Evs.Reference.Node;

namespace Evs.Reference.Simulation;

/// <summary>The applications of a simulated run, one per process, driven by the simulator.</summary>
public interface ISimulatedApplication
{
    /// <summary>
    /// Process <paramref name="process"/>'s node produced <paramref name="output"/>, an event of the
    /// model (a configuration installed, a message sent or delivered); what the application asks
    /// to send in answer goes to <paramref name="sends"/>, handed to the node right after the step.
    /// </summary>
    void Observe(ProcessId process, NodeOutput output, List<SendRequested> sends);

    /// <summary>At a traffic tick of <paramref name="process"/>, in place of the random payload: what its application sends now.</summary>
    void Tick(ProcessId process, List<SendRequested> sends);

    /// <summary><paramref name="process"/> crashed: its application is gone with it.</summary>
    void Crashed(ProcessId process);
}
