// What a driver of the filter (the simulator, a lab's hand-played cases) checks of every virtual
// synchrony event the filter gives it: that it is the next event of its identity. The application
// sees a process's events in the order the filter gives them, while a history (and a VS trace,
// docs/VS-TRACE.md) orders them by their indices; the two must be one order, or the history judged
// is not the one the application lived through. A filter that installs the new views and then
// gives the deliveries it numbered before them would show the application those deliveries in the
// new view while its history says the old one. The runtime's VS trace (VsNodeTrace) refuses such
// an event too; this class makes the simulator as strict, with a message that names the events.
namespace Evs.Reference.VirtualSynchrony;

/// <summary>
/// The events a filter has given so far, per identity: each new one must carry the next index of
/// its identity (0 for an identity's first event), in the order given.
/// </summary>
public sealed class GivenInOrder
{
    private readonly Dictionary<string, VsEvent> _last = new(StringComparer.Ordinal);

    /// <summary><paramref name="given"/>, the next event the filter gives, once it is checked to follow the events given before it.</summary>
    /// <exception cref="InvalidOperationException">Its index is not the next one of its identity.</exception>
    public VsEvent Accept(VsEvent given)
    {
        _last.TryGetValue(given.Process, out var last);
        long next = last is null ? 0 : last.Index + 1;
        if (given.Index != next)
            throw new InvalidOperationException(
                $"the virtual synchrony filter gave {Describe(given)} " +
                (last is null ? "as the first event of " + given.Process : $"right after {Describe(last)}") +
                $": the application sees {given.Process}'s events in the order the filter gives them, so they must be numbered in that order " +
                $"(the next is {given.Process}#{next}); a filter that numbers events in one order and gives them in another shows the application another history than its own");
        _last[given.Process] = given;
        return given;
    }

    private static string Describe(VsEvent e) => e switch
    {
        ViewChange v => $"{e.Witness} (view {v.View})",
        VsSend s => $"{e.Witness} (send {s.Message})",
        VsDeliver d => $"{e.Witness} (deliver {d.Message})",
        _ => $"{e.Witness} (stop)",
    };
}
