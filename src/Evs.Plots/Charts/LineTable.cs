// A table of numbers as the lines of a line chart (LineChart), for `evs plot --view lines`: the
// benchmarks write their results as CSV (benchmarks/scaling/), and a curve of them is one command
// away. The first row names the columns; the first column is x, and each other column is a line
// named by its header. An empty cell leaves that point out of its line (a value not measured);
// anything else that is not a number is refused, naming the file, the line and the column.
using System.Globalization;

namespace Evs.Plots.Charts;

/// <summary>A CSV table read as lines: the x axis's title and one series per column after the first.</summary>
/// <param name="XLabel">The first column's header.</param>
/// <param name="Series">One line per other column, named by its header, in the order of the columns.</param>
public sealed record LineTable(string XLabel, IReadOnlyList<LineSeries> Series)
{
    /// <summary>Reads <paramref name="text"/>, the CSV file <paramref name="source"/>.</summary>
    /// <exception cref="FormatException">Not a table of numbers, with at least two columns and one row of values; the message names <paramref name="source"/> and the line.</exception>
    public static LineTable Parse(string text, string source)
    {
        var rows = text.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        while (rows.Count > 0 && rows[^1].Length == 0) rows.RemoveAt(rows.Count - 1);
        if (rows.Count < 2) throw new FormatException($"{source}: a header row and at least one row of values are needed");
        var headers = rows[0].Split(',').Select(h => h.Trim()).ToArray();
        if (headers.Length < 2) throw new FormatException($"{source}:1: at least two columns are needed, x and one line");
        var points = headers.Skip(1).Select(_ => (X: new List<double>(), Y: new List<double>())).ToArray();
        for (int r = 1; r < rows.Count; r++)
        {
            var cells = rows[r].Split(',');
            if (cells.Length != headers.Length) throw new FormatException($"{source}:{r + 1}: {cells.Length} cells, but the header names {headers.Length} columns");
            double x = Number(cells[0], source, r + 1, headers[0]) ?? throw new FormatException($"{source}:{r + 1}: the x value ({headers[0]}) is empty");
            for (int c = 1; c < cells.Length; c++)
            {
                if (Number(cells[c], source, r + 1, headers[c]) is not { } y) continue;
                points[c - 1].X.Add(x);
                points[c - 1].Y.Add(y);
            }
        }
        return new LineTable(headers[0], [.. headers.Skip(1).Select((name, i) => new LineSeries(name, points[i].X, points[i].Y))]);
    }

    // A cell's number, null when it is empty.
    private static double? Number(string cell, string source, int line, string column)
    {
        var text = cell.Trim();
        if (text.Length == 0) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        throw new FormatException($"{source}:{line}: column \"{column}\": \"{text}\" is not a number");
    }
}
