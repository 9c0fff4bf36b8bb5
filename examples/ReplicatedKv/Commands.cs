// What the replicas send each other through the group, as bytes: a write, and a whole map (sent
// after every change of the group's view, to merge what the sides of a partition did apart).
// A message the example cannot read is reported and ignored: nothing else sends to its group.
using System.Text;

namespace ReplicatedKv;

/// <summary>A message of the example's group.</summary>
public abstract record Command
{
    private const byte SetTag = 1, MapTag = 2;

    /// <summary>The bytes of this command.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8);
        switch (this)
        {
            case Set set:
                writer.Write(SetTag);
                writer.Write(set.Key);
                writer.Write(set.Value);
                writer.Write(set.Clock);
                break;
            case Map map:
                writer.Write(MapTag);
                writer.Write(map.Entries.Count);
                foreach (var (key, entry) in map.Entries)
                {
                    writer.Write(key);
                    writer.Write(entry.Value);
                    writer.Write(entry.Version.Clock);
                    writer.Write(entry.Version.Sender);
                    writer.Write(entry.Version.Counter);
                }
                break;
        }
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Reads a command, or returns null for bytes that are not one.</summary>
    public static Command? Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8);
            Command? command = reader.ReadByte() switch
            {
                SetTag => new Set(reader.ReadString(), reader.ReadString(), reader.ReadInt64()),
                MapTag => ReadMap(reader),
                _ => null,
            };
            return reader.BaseStream.Position == reader.BaseStream.Length ? command : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            return null;
        }
    }

    private static Map ReadMap(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0) throw new FormatException("a negative count");
        var entries = new List<KeyValuePair<string, Entry>>();
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString(), value = reader.ReadString();
            var version = new WriteVersion(reader.ReadInt64(), reader.ReadString(), reader.ReadInt64());
            entries.Add(new(key, new Entry(value, version)));
        }
        return new Map(entries);
    }
}

/// <summary>Set <paramref name="Key"/> to <paramref name="Value"/>, stamped with the writer's Lamport <paramref name="Clock"/>.</summary>
public sealed record Set(string Key, string Value, long Clock) : Command;

/// <summary>A replica's whole map, to merge.</summary>
public sealed record Map(IReadOnlyList<KeyValuePair<string, Entry>> Entries) : Command;
