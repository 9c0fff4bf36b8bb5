// The real network, the wire format (docs/WIRE.md): the one place bytes are written. Every
// multi-byte number is big-endian, every variable-length field is length-prefixed, so that
// another implementation can read a datagram without knowing this one.
using System.Buffers.Binary;
using System.Text;
using Evs.Reference.Model;

namespace Evs.Runtime.Wire;

/// <summary>
/// A growable big-endian byte buffer. Writing a value the format cannot represent (a process
/// identifier that is not legal or longer than 255 bytes, a name longer than 65,535 bytes or not valid Unicode) is a
/// bug of the sender and throws <see cref="ArgumentException"/>.
/// </summary>
internal sealed class WireWriter(int capacity = 256)
{
    // Throws on a string that is not valid UTF-16 (a lone surrogate), instead of sending U+FFFD for it.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private byte[] _buffer = new byte[capacity];

    /// <summary>How many bytes have been written.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => Written.ToArray();

    public void U8(byte value) => Take(1)[0] = value;

    public void Bool(bool value) => U8(value ? (byte)1 : (byte)0);

    public void U16(int value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), checked((ushort)value));

    public void U32(long value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), checked((uint)value));

    public void I32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

    public void I64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void U64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>A process identifier: u8 length, then its ASCII letters, digits, '-' and '_'.</summary>
    public void Process(ProcessId process)
    {
        if (!ProcessId.IsValid(process.Name) || process.Name.Length > byte.MaxValue)
            throw new ArgumentException($"'{process.Name}' is not a process identifier the wire can carry (1-255 letters, digits, '-', '_')", nameof(process));
        U8((byte)process.Name.Length);
        Encoding.ASCII.GetBytes(process.Name, Take(process.Name.Length));
    }

    /// <summary>A process identifier, or none: a length of 0.</summary>
    public void ProcessOrNone(ProcessId? process)
    {
        if (process is { } p) Process(p);
        else U8(0);
    }

    /// <summary>A name (configuration or message identifier): u16 length, then UTF-8.</summary>
    public void Name(string name)
    {
        int count;
        try
        {
            count = Utf8.GetByteCount(name);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException($"'{name}' is not valid Unicode", nameof(name), ex);
        }
        if (count > ushort.MaxValue)
            throw new ArgumentException($"a name of {count} bytes is longer than the wire's 65,535", nameof(name));
        U16(count);
        Utf8.GetBytes(name, Take(count));
    }

    private Span<byte> Take(int count)
    {
        if (Length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
