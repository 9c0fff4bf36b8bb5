// What a student must never find under a cell of an executed notebook: an error, a stderr box
// (Jupyter shows one in pink), or a warning printed as output (a compiler warning such as CS1701
// or CS8632 arrives that way). Plain text and text/plain values are read; HTML outputs are not,
// since the page's own plotly.js mentions "warning" in its source.
using System.Text.Json;

namespace SpecTests.Notebooks;

internal static class NotebookOutputs
{
    /// <summary>Each complaint about <paramref name="ipynb"/>'s outputs, naming the cell (counted from 1, Markdown included).</summary>
    public static IReadOnlyList<string> Complaints(string ipynb)
    {
        using var notebook = JsonDocument.Parse(ipynb);
        var complaints = new List<string>();
        int number = 0;
        foreach (var cell in notebook.RootElement.GetProperty("cells").EnumerateArray())
        {
            number++;
            if (!cell.TryGetProperty("outputs", out var outputs)) continue;
            foreach (var output in outputs.EnumerateArray())
                if (Complaint(output) is { } complaint) complaints.Add($"cell {number}: {complaint}");
        }
        return complaints;
    }

    /// <summary>How many charts (KernelPlots fragments) the outputs hold.</summary>
    public static int Charts(string ipynb) => ipynb.Split("class=\\\"evs-plot\\\"").Length - 1;

    private static string? Complaint(JsonElement output)
    {
        string type = output.GetProperty("output_type").GetString()!;
        if (type == "error")
            return $"error {output.GetProperty("ename").GetString()}: {output.GetProperty("evalue").GetString()}";
        if (type == "stream")
        {
            string text = Text(output.GetProperty("text"));
            if (output.GetProperty("name").GetString() == "stderr") return $"stderr: {Shorten(text)}";
            return Warning(text);
        }
        return output.TryGetProperty("data", out var data) && data.TryGetProperty("text/plain", out var plain) ? Warning(Text(plain)) : null;
    }

    private static string? Warning(string text) =>
        text.Contains("warning", StringComparison.OrdinalIgnoreCase) ? $"a warning in the output: {Shorten(text)}" : null;

    // nbformat keeps multi-line text as one string or as a list of lines.
    private static string Text(JsonElement text) =>
        text.ValueKind == JsonValueKind.Array ? string.Concat(text.EnumerateArray().Select(line => line.GetString())) : text.GetString() ?? "";

    private static string Shorten(string text) => text.Length <= 400 ? text.Trim() : text[..400].Trim() + " …";
}
