// The merge rule the example's convergence rests on: whatever order replicas receive the same
// writes and maps in, they hold the same map.
namespace ReplicatedKv.Tests;

public sealed class KeyValueStoreTests
{
    private static readonly (string Key, Entry Entry)[] Writes =
    [
        ("a", new("1", new(1, "p1", 1))),
        ("a", new("2", new(2, "p3", 1))),
        ("a", new("3", new(2, "p1", 7))),
        ("b", new("x", new(1, "p2", 4))),
    ];

    [Fact]
    public void Writes_applied_in_any_order_give_the_same_map()
    {
        var forward = new KeyValueStore();
        var backward = new KeyValueStore();
        foreach (var (key, entry) in Writes) forward.Apply(key, entry);
        foreach (var (key, entry) in Writes.Reverse()) backward.Apply(key, entry);

        Assert.Equal(forward.Digest(), backward.Digest());
        Assert.Equal("2", forward.Get("a"));
    }

    [Fact]
    public void A_write_made_after_another_was_delivered_wins_whoever_made_it()
    {
        var store = new KeyValueStore();
        store.Apply("k", new("a", new(1, "p2", 1)));
        store.Apply("k", new("b", new(store.Clock + 1, "p1", 1)));

        Assert.Equal("b", store.Get("k"));
    }

    [Fact]
    public void Merging_maps_keeps_the_latest_write_of_each_key_and_a_map_survives_its_encoding()
    {
        var left = new KeyValueStore();
        var right = new KeyValueStore();
        left.Apply("a", Writes[0].Entry);
        right.Apply("a", Writes[1].Entry);
        right.Apply("b", Writes[3].Entry);

        var decoded = Assert.IsType<Map>(Command.Decode(new Map([.. right.Entries]).Encode()));
        left.Merge(decoded.Entries);
        right.Merge(left.Entries);

        Assert.Equal(left.Digest(), right.Digest());
        Assert.Equal("2", left.Get("a"));
        Assert.Null(Command.Decode(new byte[] { 9, 9 }));
    }
}
