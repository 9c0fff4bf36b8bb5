// The trace formats (docs/TRACE.md, docs/VS-TRACE.md) on disk. The core reads and writes traces as
// bytes and streams and never opens a file (it is sans-IO by construction); opening one, and
// saying which file could not be read, is done here, for the command line, the plots, the tests
// and the notebooks alike.
using Evs.Reference.Tracing;
using Evs.Reference.VirtualSynchrony;

namespace Evs.Runtime.Files;

/// <summary>Reads trace files: one, or several as one history (one file per process, say).</summary>
internal static class TraceFiles
{
    /// <summary>Reads one trace file.</summary>
    /// <exception cref="TraceFormatException">The file cannot be read, or is not a trace; the message names the file and line.</exception>
    public static EvsTrace Read(string path) => TraceReader.Read(Bytes(path), path);

    /// <summary>Reads several trace files as one history (docs/TRACE.md allows one file per process).</summary>
    /// <exception cref="TraceFormatException">A file cannot be read, or is not a trace.</exception>
    public static EvsTrace ReadAll(IEnumerable<string> paths) => EvsTrace.Combine(paths.Select(Read).ToList());

    /// <summary>Reads one virtual synchrony trace file.</summary>
    /// <exception cref="TraceFormatException">The file cannot be read, or is not a VS trace.</exception>
    public static VsTrace ReadVs(string path) => VsTraceReader.Read(Bytes(path), path);

    /// <summary>Reads several virtual synchrony trace files as one history.</summary>
    /// <exception cref="TraceFormatException">A file cannot be read, or is not a VS trace.</exception>
    public static VsTrace ReadAllVs(IEnumerable<string> paths) => VsTraceReader.Combine(paths.Select(ReadVs).ToList());

    // A file that cannot be read is reported as its line 0, like any other fault of the file.
    private static byte[] Bytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException(path, 0, ex.Message);
        }
    }
}
