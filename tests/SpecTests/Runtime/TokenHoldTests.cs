// The runtime's idle token hold (Runtime/TokenHold), token by token: the representative holds a
// token only after it has come round idle IdleRotationsBeforeHold times in a row, and after letting
// a held token go because a message is about to be sent it counts again from zero. The other
// processes ask for a held token only once they have passed as many idle tokens; had the
// representative counted on, it would hold the very next idle-looking token while they, having just
// passed the message's token, did not ask: their next message waited for the representative's own
// next send or for the hold to expire (a 30 ms tail at a hundred messages a second).
using System.Collections.Immutable;
using Evs.Reference.Model;
using Evs.Reference.Node;
using Evs.Reference.Ordering;
using Evs.Reference.Storage;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Runtime;

public sealed class TokenHoldTests : IDisposable
{
    private static readonly ImmutableArray<ProcessId> Members = [new("p1"), new("p2"), new("p3")];
    private static readonly RingId Ring = new(1, Members[0]);

    private readonly TotemNode _representative = new(Members[0], new InMemoryStableStorage());
    private readonly TokenHold _hold = new(holdMs: 50, TimeProvider.System, _ => { });
    private long _tokenSeq;

    public TokenHoldTests() => _representative.Handle(new StartInRing(Ring, Members));

    [Fact]
    public void An_idle_token_is_held_at_the_representative_only_after_coming_round_idle_as_many_times_as_the_others_count()
    {
        Assert.Equal(TokenHold.IdleRotationsBeforeHold, IdleTokensBeforeAHold());
        Assert.Equal(1, _hold.Holds);
    }

    [Fact]
    public void After_a_held_token_is_released_on_request_the_count_starts_again()
    {
        IdleTokensBeforeAHold();
        Assert.NotNull(_hold.Cancel());
        Assert.Equal(TokenHold.IdleRotationsBeforeHold, IdleTokensBeforeAHold());
    }

    [Fact]
    public void After_a_held_token_is_released_for_the_representative_s_own_message_the_count_starts_again()
    {
        IdleTokensBeforeAHold();
        Assert.NotNull(_hold.Release());
        Assert.Equal(TokenHold.IdleRotationsBeforeHold, IdleTokensBeforeAHold());
    }

    public void Dispose() => _hold.Dispose();

    // Hands idle tokens to the hold until one is held; returns how many it took.
    private int IdleTokensBeforeAHold()
    {
        for (int n = 1; n <= 10 * TokenHold.IdleRotationsBeforeHold; n++)
            if (_hold.TryHold(Token.Initial(Members[2], Ring) with { TokenSeq = ++_tokenSeq }, _representative, sendsQueued: 0)) return n;
        Assert.Fail("no idle token was ever held");
        return 0;
    }
}
