// Plotly draws a gap wherever a coordinate is not a number. A chart with hundreds of message
// lines or configuration bars is drawn as one trace per kind, its pieces separated by such gaps:
// one legend entry per kind, and a page that stays light.
namespace Evs.Plots.Charts;

/// <summary>The points of many separate pieces of line, gathered into one trace's coordinates.</summary>
internal sealed class Polyline
{
    public List<double> X { get; } = [];
    public List<double> Y { get; } = [];
    public List<string> Text { get; } = [];

    /// <summary>Adds one piece through <paramref name="points"/>, each with its hover text.</summary>
    public void AddPiece(IEnumerable<(double X, double Y, string Text)> points)
    {
        if (X.Count > 0)
        {
            X.Add(double.NaN);
            Y.Add(double.NaN);
            Text.Add("");
        }
        foreach (var (x, y, text) in points)
        {
            X.Add(x);
            Y.Add(y);
            Text.Add(text);
        }
    }

    public bool IsEmpty => X.Count == 0;
}
