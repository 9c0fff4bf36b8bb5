// The real network (the library API): the refusal of a send behind the virtual synchrony filter.
// Virtual synchrony lets only the primary component make progress (the paper's Section 4.1, and
// Rule 2 of the filter in Section 5): a process outside it must not send, and its application is
// told so with the reason, not left to wonder where its message went.
namespace Evs.Runtime;

/// <summary>
/// Thrown by <see cref="EvsNode.SendAsync"/> behind the virtual synchrony filter while the process
/// is outside the primary component. An <see cref="InvalidOperationException"/>: the send is not
/// possible in the process's current state, and becomes possible again when a
/// <see cref="SendsUnblockedEvent"/> says so.
/// </summary>
public sealed class SendsBlockedException(string reason) : InvalidOperationException(reason)
{
    /// <summary>Why the send is refused: which configuration the process is in, and until when.</summary>
    public string Reason { get; } = reason;
}
