// Named groups over one ring (issue 18; Corosync's CPG, Spread's groups): every message of the
// group layer is an ordinary ring message whose payload starts with this envelope, so that the
// ring's total order carries the groups' joins, leaves, flushes, syncs and data unchanged, and a
// trace can say which group a ring message belongs to. A payload without the envelope is a plain
// ring message: the layer passes it through.
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;

namespace Evs.Reference.Groups;

/// <summary>What a ring message of the group layer does.</summary>
public enum GroupOp : byte
{
    /// <summary>An application message to a group, stamped with the sender's group view.</summary>
    Data = 1,

    /// <summary>The sender asks to join the group.</summary>
    Join = 2,

    /// <summary>The sender leaves the group.</summary>
    Leave = 3,

    /// <summary>The sender, a member of the stamped view, has sent all its messages of that view (the flush).</summary>
    FlushOk = 4,

    /// <summary>After a ring configuration change, the groups the sender is in (the sync), stamped with the ring's regular configuration.</summary>
    State = 5,
}

/// <summary>
/// The group part of a ring message: the operation, its group (empty for <see cref="GroupOp.State"/>),
/// the view the sender stamps it with (data and flush; for a state, the ring configuration it is the
/// state for), the sender's groups (state only), and for data the application's payload.
/// </summary>
/// <remarks>
/// The bytes: <c>"EVSG"</c>, version 1, the operation, then three length-prefixed parts (a
/// 16-bit big-endian length, then UTF-8): the group, the stamp, and a count followed by the
/// groups of a state; for data the rest is the application's payload.
/// </remarks>
public sealed record GroupEnvelope(GroupOp Op, string Group, string? Stamp, ImmutableArray<string> Groups, byte[] Data)
{
    /// <summary>The first bytes of every envelope.</summary>
    public static ReadOnlySpan<byte> Magic => "EVSG"u8;

    /// <summary>The version of the envelope this codec writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Data for <paramref name="group"/> stamped with view <paramref name="stamp"/>.</summary>
    public static GroupEnvelope ForData(string group, string stamp, byte[] data) => new(GroupOp.Data, group, stamp, [], data);

    /// <summary>A join of <paramref name="group"/>.</summary>
    public static GroupEnvelope ForJoin(string group) => new(GroupOp.Join, group, null, [], []);

    /// <summary>A leave of <paramref name="group"/>.</summary>
    public static GroupEnvelope ForLeave(string group) => new(GroupOp.Leave, group, null, [], []);

    /// <summary>The flush acknowledgement of view <paramref name="view"/> of <paramref name="group"/>.</summary>
    public static GroupEnvelope ForFlushOk(string group, string view) => new(GroupOp.FlushOk, group, view, [], []);

    /// <summary>
    /// The sync state for ring configuration <paramref name="ring"/>: the groups the sender is in or
    /// joining. The ring may send it in a later configuration, where it is stale (rule 5).
    /// </summary>
    public static GroupEnvelope ForState(string ring, IEnumerable<string> groups) => new(GroupOp.State, "", ring, [.. groups.Order(StringComparer.Ordinal)], []);

    /// <summary>The trace's annotation of this envelope (everything but the application's payload).</summary>
    public GroupTag Tag => new(Op, Group, Stamp, Groups);

    /// <summary>The envelope as the payload of a ring message.</summary>
    public byte[] Encode()
    {
        var output = new List<byte>(Magic.Length + 8 + Group.Length + (Stamp?.Length ?? 0) + Data.Length);
        output.AddRange(Magic);
        output.Add(Version);
        output.Add((byte)Op);
        AddText(output, Group);
        AddText(output, Stamp ?? "");
        AddCount(output, Groups.Length);
        foreach (var g in Groups) AddText(output, g);
        output.AddRange(Data);
        return [.. output];
    }

    /// <summary>
    /// The envelope at the start of <paramref name="payload"/>, or null when the payload is not a
    /// whole, well-formed envelope of this version: then it is a plain ring message.
    /// </summary>
    public static GroupEnvelope? TryDecode(byte[] payload)
    {
        var rest = payload.AsSpan();
        if (!rest.StartsWith(Magic)) return null;
        rest = rest[Magic.Length..];
        if (rest.Length < 2 || rest[0] != Version || !Enum.IsDefined((GroupOp)rest[1])) return null;
        var op = (GroupOp)rest[1];
        rest = rest[2..];
        if (!TryText(ref rest, out var group) || !TryText(ref rest, out var stamp) || !TryCount(ref rest, out int count)) return null;
        var groups = ImmutableArray.CreateBuilder<string>(count);
        for (int i = 0; i < count; i++)
        {
            if (!TryText(ref rest, out var g)) return null;
            groups.Add(g);
        }
        if (op != GroupOp.Data && !rest.IsEmpty) return null;
        if (!WellFormed(op, group, stamp, count)) return null;
        return new GroupEnvelope(op, group, stamp.Length == 0 ? null : stamp, groups.MoveToImmutable(), rest.ToArray());
    }

    // Which parts each operation has: a group except the state, a stamp for data, flush and state, groups for the state only.
    /// <summary>The longest group name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>
    /// Refuses a group name an envelope cannot carry as it was given: empty, longer than
    /// <see cref="MaxNameBytes"/> in UTF-8, or not valid UTF-16 (a lone surrogate would come back
    /// as another name, and its request would never be matched).
    /// </summary>
    /// <exception cref="ArgumentException">The name is refused, with why.</exception>
    public static void CheckName(string group)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(group);
        }
        catch (EncoderFallbackException)
        {
            throw new ArgumentException("a group's name must be valid Unicode text (it holds a lone surrogate)", nameof(group));
        }
        if (bytes > MaxNameBytes) throw new ArgumentException($"a group's name holds at most {MaxNameBytes} bytes of UTF-8, not {bytes}", nameof(group));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool WellFormed(GroupOp op, string group, string stamp, int groups) => op switch
    {
        GroupOp.Data or GroupOp.FlushOk => group.Length > 0 && stamp.Length > 0 && groups == 0,
        GroupOp.Join or GroupOp.Leave => group.Length > 0 && stamp.Length == 0 && groups == 0,
        _ => group.Length == 0 && stamp.Length > 0,
    };

    private static void AddText(List<byte> output, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        AddCount(output, bytes.Length);
        output.AddRange(bytes);
    }

    private static void AddCount(List<byte> output, int count)
    {
        if (count > ushort.MaxValue) throw new ArgumentException($"a part of a group envelope holds at most {ushort.MaxValue} bytes or names, not {count}");
        output.Add((byte)(count >> 8));
        output.Add((byte)count);
    }

    private static bool TryCount(ref Span<byte> rest, out int count)
    {
        count = 0;
        if (rest.Length < 2) return false;
        count = BinaryPrimitives.ReadUInt16BigEndian(rest);
        rest = rest[2..];
        return true;
    }

    private static bool TryText(ref Span<byte> rest, out string text)
    {
        text = "";
        if (!TryCount(ref rest, out int length) || rest.Length < length) return false;
        try
        {
            text = new UTF8Encoding(false, true).GetString(rest[..length]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        rest = rest[length..];
        return true;
    }
}

/// <summary>
/// The group part of a ring message as a trace writes it beside the ring's <c>send</c> and
/// <c>deliver</c> lines (docs/TRACE.md, "Groups"): enough to replay the group layer from the
/// trace (<see cref="GroupHistories"/>), without the application's payload.
/// </summary>
public sealed record GroupTag(GroupOp Op, string Group, string? Stamp, ImmutableArray<string> Groups)
{
    /// <inheritdoc/>
    public bool Equals(GroupTag? other) =>
        other is not null && Op == other.Op && Group == other.Group && Stamp == other.Stamp && Groups.SequenceEqual(other.Groups);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Op, Group, Stamp, Groups.Length);

    /// <summary>The spelling of an operation in traces: data, join, leave, flush, state.</summary>
    public static string NameOf(GroupOp op) => op switch
    {
        GroupOp.Data => "data",
        GroupOp.Join => "join",
        GroupOp.Leave => "leave",
        GroupOp.FlushOk => "flush",
        GroupOp.State => "state",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Parses an operation's name; false when it is none of the five.</summary>
    public static bool TryParse(string? name, out GroupOp op)
    {
        op = name switch
        {
            "data" => GroupOp.Data,
            "join" => GroupOp.Join,
            "leave" => GroupOp.Leave,
            "flush" => GroupOp.FlushOk,
            "state" => GroupOp.State,
            _ => 0,
        };
        return op != 0;
    }
}
