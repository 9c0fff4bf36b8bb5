// When a transcript's command no longer gives the output written under it, the reader needs to see
// which lines changed, not two blocks to compare by eye: a line diff (longest common subsequence,
// the outputs are tens of lines), expected lines marked "-", actual ones "+", common ones indented.
namespace SpecTests.Transcripts;

/// <summary>A line-by-line difference between two short texts.</summary>
public static class LineDiff
{
    /// <summary>The lines of <paramref name="expected"/> and <paramref name="actual"/> merged: "  " common, "- " expected only, "+ " actual only.</summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var common = CommonAfter(expected, actual);
        var lines = new List<string>();
        int i = 0, j = 0;
        while (i < expected.Count || j < actual.Count)
        {
            if (i < expected.Count && j < actual.Count && expected[i] == actual[j])
            {
                lines.Add("  " + expected[i++]);
                j++;
            }
            else if (i < expected.Count && (j == actual.Count || common[i + 1, j] >= common[i, j + 1]))
                lines.Add("- " + expected[i++]);
            else
                lines.Add("+ " + actual[j++]);
        }
        return lines;
    }

    // common[i, j]: the length of the longest common subsequence of expected[i..] and actual[j..].
    private static int[,] CommonAfter(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var common = new int[expected.Count + 1, actual.Count + 1];
        for (int i = expected.Count - 1; i >= 0; i--)
            for (int j = actual.Count - 1; j >= 0; j--)
                common[i, j] = expected[i] == actual[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        return common;
    }
}
