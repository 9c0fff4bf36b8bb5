// docs/SCENARIOS.md, read: a scenario that cannot run as written (an unknown process or key,
// overlapping components, steps out of order, a step this simulator does not run yet) is refused
// before anything runs, with a message that names the offending step and the file's line, so the
// author can go straight to it.
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Evs.Reference.Model;

namespace Evs.Reference.Simulation;

/// <summary>A scenario that cannot run, with the file and line at fault.</summary>
public sealed class ScenarioException(string source, int line, string problem)
    : Exception(line > 0 ? $"{source}:{line}: {problem}" : $"{source}: {problem}")
{
    /// <summary>The 1-based line at fault, or 0 when the whole file is.</summary>
    public int Line { get; } = line;
}

/// <summary>Reads and validates scenarios (the text of a file; opening the file is the caller's).</summary>
public static partial class ScenarioReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses scenario text; <paramref name="source"/> names it in errors, <paramref name="defaultName"/> is used when it has no name.</summary>
    public static Scenario Parse(string text, string source, string defaultName = "scenario")
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ScenarioException(source, (int)(ex.LineNumber ?? -1) + 1, $"not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var lines = LineMap.Of(bytes);
            return new Parser(source, lines).Scenario(document.RootElement, defaultName);
        }
    }

    /// <summary>Where the top-level keys and each step start, found by a pass of the token reader.</summary>
    private sealed record LineMap(Dictionary<string, int> Keys, List<int> Steps)
    {
        public static LineMap Of(byte[] bytes)
        {
            var lineStarts = new List<int> { 0 };
            for (int i = 0; i < bytes.Length; i++) if (bytes[i] == '\n') lineStarts.Add(i + 1);
            int LineOf(long offset)
            {
                int index = lineStarts.BinarySearch((int)offset);
                return (index >= 0 ? index : ~index - 1) + 1;
            }

            var keys = new Dictionary<string, int>();
            var steps = new List<int>();
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            string? key = null;
            bool inSteps = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        key = reader.GetString()!;
                        keys[key] = LineOf(reader.TokenStartIndex);
                        break;
                    case JsonTokenType.StartArray when reader.CurrentDepth == 1:
                        inSteps = key == "steps";
                        break;
                    case JsonTokenType.StartObject when inSteps && reader.CurrentDepth == 2:
                        steps.Add(LineOf(reader.TokenStartIndex));
                        break;
                    case JsonTokenType.EndArray when reader.CurrentDepth == 1:
                        inSteps = false;
                        break;
                }
            }
            return new LineMap(keys, steps);
        }
    }

    private sealed partial class Parser(string source, LineMap lines)
    {
        private static readonly string[] TopLevelKeys = ["name", "processes", "start", "traffic", "network", "steps", "adversary"];
        private static readonly string[] StepKeys = ["at", "partition", "heal", "crash", "recover", "leave", "loss", "delay_ms", "duplicate", "send", "links", "stop", "recover_all", "when", "within_ms"];
        private HashSet<ProcessId> _known = [];

        public Scenario Scenario(JsonElement root, string defaultName)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Error(1, "a scenario is a JSON object");
            foreach (var property in root.EnumerateObject())
                if (!TopLevelKeys.Contains(property.Name))
                    throw Error(Line(property.Name), $"unknown key \"{property.Name}\" (expected one of {string.Join(", ", TopLevelKeys)})");

            string name = root.TryGetProperty("name", out var n) ? String(n, "name", Line("name")) : defaultName;
            var processes = Processes(root);
            var start = root.TryGetProperty("start", out var s) ? Components(s, "start", Line("start")) : [processes];
            var traffic = root.TryGetProperty("traffic", out var t) ? TrafficOf(t) : Traffic.None;
            var network = root.TryGetProperty("network", out var w) ? NetworkOf(w) : NetworkConditions.Default;
            if (!root.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
                throw Error(Line("steps"), "\"steps\" must be an array ending with a stop step");
            var scenarioSteps = Steps(steps);
            var adversary = root.TryGetProperty("adversary", out var a) ? AdversaryOf(a, scenarioSteps[^1].At) : null;
            return new Scenario(name, processes, start, traffic, network, scenarioSteps, adversary);
        }

        private ImmutableArray<ProcessId> Processes(JsonElement root)
        {
            int line = Line("processes");
            if (!root.TryGetProperty("processes", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                throw Error(line, "\"processes\" must be a non-empty array of process ids");
            var result = ImmutableArray.CreateBuilder<ProcessId>();
            foreach (var item in list.EnumerateArray())
            {
                var id = String(item, "processes", line);
                if (!ProcessId.IsValid(id)) throw Error(line, $"\"{id}\" is not a process id (letters, digits, '-' and '_')");
                if (!_known.Add(new ProcessId(id))) throw Error(line, $"process \"{id}\" is listed twice");
                result.Add(new ProcessId(id));
            }
            return result.ToImmutable();
        }

        private ImmutableArray<ImmutableArray<ProcessId>> Components(JsonElement value, string what, int line)
        {
            if (value.ValueKind != JsonValueKind.Array) throw Error(line, $"\"{what}\" must be a list of components (lists of process ids)");
            var seen = new HashSet<ProcessId>();
            var result = ImmutableArray.CreateBuilder<ImmutableArray<ProcessId>>();
            foreach (var component in value.EnumerateArray())
            {
                if (component.ValueKind != JsonValueKind.Array || component.GetArrayLength() == 0)
                    throw Error(line, $"each component of \"{what}\" must be a non-empty list of process ids");
                var members = ImmutableArray.CreateBuilder<ProcessId>();
                foreach (var item in component.EnumerateArray())
                {
                    var p = Known(String(item, what, line), line, what);
                    if (!seen.Add(p)) throw Error(line, $"{what}: components overlap: \"{p}\" is in two of them");
                    members.Add(p);
                }
                result.Add(members.ToImmutable());
            }
            return result.ToImmutable();
        }

        private Traffic TrafficOf(JsonElement value)
        {
            int line = Line("traffic");
            Only(value, line, "traffic", "rate", "size", "mix");
            double rate = value.TryGetProperty("rate", out var r) ? NonNegative(r, "traffic.rate", line) : 0;
            int size = value.TryGetProperty("size", out var s) ? (int)NonNegative(s, "traffic.size", line) : 64;
            double causal = 1, agreed = 1, safe = 1;
            if (value.TryGetProperty("mix", out var mix))
            {
                Only(mix, line, "traffic.mix", "causal", "agreed", "safe");
                causal = mix.TryGetProperty("causal", out var c) ? NonNegative(c, "mix.causal", line) : 0;
                agreed = mix.TryGetProperty("agreed", out var a) ? NonNegative(a, "mix.agreed", line) : 0;
                safe = mix.TryGetProperty("safe", out var f) ? NonNegative(f, "mix.safe", line) : 0;
                if (rate > 0 && causal + agreed + safe <= 0) throw Error(line, "traffic.mix needs a positive weight for at least one service");
            }
            return new Traffic(rate, size, causal, agreed, safe);
        }

        private NetworkConditions NetworkOf(JsonElement value)
        {
            int line = Line("network");
            Only(value, line, "network", "delay_ms", "loss", "duplicate");
            var (min, max) = value.TryGetProperty("delay_ms", out var d) ? Delay(d, line, "network.delay_ms") : (0.2, 2.0);
            double loss = value.TryGetProperty("loss", out var l) ? Probability(l, "network.loss", line) : 0;
            double duplicate = value.TryGetProperty("duplicate", out var u) ? Probability(u, "network.duplicate", line) : 0;
            return new NetworkConditions(min, max, loss, duplicate);
        }

        private ImmutableArray<ScenarioStep> Steps(JsonElement steps)
        {
            var result = ImmutableArray.CreateBuilder<ScenarioStep>();
            var crashed = new HashSet<ProcessId>(); // crashed, or asked to leave (leaving too): down until it recovers
            var leaving = new HashSet<ProcessId>(); // asked to leave: it may still crash while leaving
            double previousAt = 0;
            int number = 0;
            foreach (var step in steps.EnumerateArray())
            {
                number++;
                int line = number - 1 < lines.Steps.Count ? lines.Steps[number - 1] : Line("steps");
                string where = $"step {number}";
                if (step.ValueKind != JsonValueKind.Object) throw Error(line, $"{where} must be an object");
                if (result.Count > 0 && result[^1] is StopStep) throw Error(line, $"{where} comes after the stop step; stop must be last");
                foreach (var property in step.EnumerateObject())
                    if (!StepKeys.Contains(property.Name)) throw Error(line, $"{where}: unknown key \"{property.Name}\"");
                if (!step.TryGetProperty("at", out var atValue)) throw Error(line, $"{where}: missing \"at\" (milliseconds)");
                double at = NonNegative(atValue, $"{where}: \"at\"", line);
                where = $"step {number} (at {at} ms)";
                if (at < previousAt) throw Error(line, $"{where} is out of order: it comes after a step at {previousAt} ms");
                previousAt = at;
                result.Add(Step(step, at, number, line, where, crashed, leaving));
            }
            if (result.Count == 0 || result[^1] is not StopStep)
                throw Error(Line("steps"), "the steps must end with a stop step ({\"at\": ..., \"stop\": true})");
            return result.ToImmutable();
        }

        private ScenarioStep Step(JsonElement step, double at, int number, int line, string where, HashSet<ProcessId> crashed, HashSet<ProcessId> leaving)
        {
            var actions = step.EnumerateObject().Select(p => p.Name).Where(k => k is not ("at" or "recover_all" or "when" or "within_ms")).ToList();
            bool network = actions.Count > 0 && actions.All(k => k is "loss" or "delay_ms" or "duplicate");
            if (actions.Count == 0) throw Error(line, $"{where} does nothing: give one of partition, heal, crash, recover, leave, loss, delay_ms, duplicate, send, links, stop");
            if (actions.Count > 1 && !network) throw Error(line, $"{where} has several actions ({string.Join(", ", actions)}); give one per step");
            if (step.TryGetProperty("recover_all", out _) && actions[0] != "stop") throw Error(line, $"{where}: \"recover_all\" goes with \"stop\"");
            var trigger = Trigger(step, actions[0], line, where);
            return Action(step, actions[0], network, at, number, line, where, crashed, leaving) with { When = trigger };
        }

        // "when" and "within_ms": a crash or a partition that waits for a step of the recovery algorithm.
        private StepTrigger? Trigger(JsonElement step, string action, int line, string where)
        {
            bool hasWhen = step.TryGetProperty("when", out var when), hasWithin = step.TryGetProperty("within_ms", out var within);
            if (hasWithin && !hasWhen) throw Error(line, $"{where}: \"within_ms\" goes with \"when\"");
            if (!hasWhen) return null;
            if (action is not ("crash" or "partition")) throw Error(line, $"{where}: \"when\" goes with \"crash\" or \"partition\" only, not \"{action}\"");
            string name = String(when, $"{where}: when", line);
            if (!PaperStepNames.TryParse(name, out var paperStep))
                throw Error(line, $"{where}: when must be one of {string.Join(", ", PaperStepNames.All)} (a step of the recovery algorithm), not \"{name}\"");
            double withinMs = hasWithin ? NonNegative(within, $"{where}: within_ms", line) : StepTrigger.DefaultWithinMs;
            return new StepTrigger(paperStep, withinMs);
        }

        private ScenarioStep Action(JsonElement step, string action, bool network, double at, int number, int line, string where,
            HashSet<ProcessId> crashed, HashSet<ProcessId> leaving)
        {
            if (network)
            {
                double? loss = step.TryGetProperty("loss", out var l) ? Probability(l, $"{where}: loss", line) : null;
                double? duplicate = step.TryGetProperty("duplicate", out var u) ? Probability(u, $"{where}: duplicate", line) : null;
                (double, double)? delay = step.TryGetProperty("delay_ms", out var d) ? Delay(d, line, $"{where}: delay_ms") : null;
                return new NetworkStep(at, number, line, loss, delay?.Item1, delay?.Item2, duplicate);
            }
            var value = step.GetProperty(action);
            switch (action)
            {
                case "partition":
                    return new PartitionStep(at, number, line, Components(value, $"{where}: partition", line));
                case "heal":
                    if (value.ValueKind != JsonValueKind.True) throw Error(line, $"{where}: write \"heal\": true");
                    return new HealStep(at, number, line);
                case "crash":
                {
                    var p = Known(String(value, $"{where}: crash", line), line, where);
                    if (!crashed.Add(p) && !leaving.Remove(p)) throw Error(line, $"{where}: \"{p}\" has crashed already and not recovered");
                    return new CrashStep(at, number, line, p);
                }
                case "recover":
                {
                    var p = Known(String(value, $"{where}: recover", line), line, where);
                    if (!crashed.Remove(p)) throw Error(line, $"{where}: \"{p}\" cannot recover: it has not crashed or left");
                    leaving.Remove(p);
                    return new RecoverStep(at, number, line, p);
                }
                case "leave":
                {
                    var p = Known(String(value, $"{where}: leave", line), line, where);
                    if (crashed.Contains(p)) throw Error(line, $"{where}: \"{p}\" has crashed or left already and not recovered");
                    crashed.Add(p);
                    leaving.Add(p);
                    return new LeaveStep(at, number, line, p);
                }
                case "send":
                    return Send(value, at, number, line, where);
                case "links":
                    return new LinksStep(at, number, line, Links(value, $"{where}: links", line));
                case "stop":
                    if (value.ValueKind != JsonValueKind.True) throw Error(line, $"{where}: write \"stop\": true");
                    bool recoverAll = step.TryGetProperty("recover_all", out var ra) && ra.ValueKind == JsonValueKind.True;
                    return new StopStep(at, number, line, recoverAll);
                default:
                    throw Error(line, $"{where}: unknown action \"{action}\"");
            }
        }

        private SendStep Send(JsonElement value, double at, int number, int line, string where)
        {
            if (value.ValueKind != JsonValueKind.Object) throw Error(line, $"{where}: send is {{\"from\": ..., \"svc\": ..., \"count\": ...}}");
            Only(value, line, $"{where}: send", "from", "svc", "count");
            if (!value.TryGetProperty("from", out var from)) throw Error(line, $"{where}: send needs \"from\"");
            var p = Known(String(from, $"{where}: send.from", line), line, where);
            string svcName = value.TryGetProperty("svc", out var svc) ? String(svc, $"{where}: send.svc", line) : "agreed";
            if (!DeliveryServiceNames.TryParse(svcName, out var service)) throw Error(line, $"{where}: svc must be causal, agreed or safe, not \"{svcName}\"");
            int count = value.TryGetProperty("count", out var c) ? (int)NonNegative(c, $"{where}: send.count", line) : 1;
            if (count < 1) throw Error(line, $"{where}: send.count must be at least 1");
            return new SendStep(at, number, line, p, service, count);
        }

        // A list of {"from": [...], "to": [...], "loss": L}; L may be 1 here (a cut), unlike the network's loss.
        private ImmutableArray<LinkFault> Links(JsonElement value, string what, int line)
        {
            if (value.ValueKind != JsonValueKind.Array) throw Error(line, $"{what} must be a list of {{\"from\": [...], \"to\": [...], \"loss\": L}} ([] removes every directed fault)");
            var result = ImmutableArray.CreateBuilder<LinkFault>();
            int index = 0;
            foreach (var fault in value.EnumerateArray())
            {
                string where = $"{what}[{index++}]";
                Only(fault, line, where, "from", "to", "loss");
                if (!fault.TryGetProperty("from", out var from)) throw Error(line, $"{where} needs \"from\", a list of process ids");
                if (!fault.TryGetProperty("to", out var to)) throw Error(line, $"{where} needs \"to\", a list of process ids");
                if (!fault.TryGetProperty("loss", out var loss)) throw Error(line, $"{where} needs \"loss\", the probability that a packet across it is lost (1.0 cuts it)");
                double l = NonNegative(loss, $"{where}.loss", line);
                if (l > 1) throw Error(line, $"{where}.loss must be a probability, at most 1");
                result.Add(new LinkFault(ProcessList(from, $"{where}.from", line), ProcessList(to, $"{where}.to", line), l));
            }
            return result.ToImmutable();
        }

        private ImmutableArray<ProcessId> ProcessList(JsonElement value, string what, int line)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0) throw Error(line, $"{what} must be a non-empty list of process ids");
            var result = ImmutableArray.CreateBuilder<ProcessId>();
            foreach (var item in value.EnumerateArray())
            {
                var p = Known(String(item, what, line), line, what);
                if (result.Contains(p)) throw Error(line, $"{what} names \"{p}\" twice");
                result.Add(p);
            }
            return result.ToImmutable();
        }

        private (double, double) Delay(JsonElement value, int line, string what)
        {
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
                throw Error(line, $"{what} must be [min, max] in milliseconds");
            double min = NonNegative(value[0], what, line), max = NonNegative(value[1], what, line);
            if (min > max) throw Error(line, $"{what}: min {min} is above max {max}");
            return (min, max);
        }

        private ProcessId Known(string name, int line, string? where = null)
        {
            var p = new ProcessId(name);
            if (!_known.Contains(p)) throw Error(line, $"{(where is null ? "" : where + ": ")}unknown process \"{name}\" (not in \"processes\")");
            return p;
        }

        private void Only(JsonElement value, int line, string what, params string[] keys)
        {
            if (value.ValueKind != JsonValueKind.Object) throw Error(line, $"\"{what}\" must be an object");
            foreach (var property in value.EnumerateObject())
                if (!keys.Contains(property.Name)) throw Error(line, $"{what}: unknown key \"{property.Name}\" (expected {string.Join(", ", keys)})");
        }

        private string String(JsonElement value, string what, int line) =>
            value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Error(line, $"{what} must be a string");

        private double NonNegative(JsonElement value, string what, int line) =>
            value.ValueKind == JsonValueKind.Number && value.GetDouble() is var d && d >= 0 && double.IsFinite(d)
                ? d : throw Error(line, $"{what} must be a number at least 0");

        private double Probability(JsonElement value, string what, int line)
        {
            double p = NonNegative(value, what, line);
            return p < 1 ? p : throw Error(line, $"{what} must be a probability below 1");
        }

        private int Line(string key) => lines.Keys.GetValueOrDefault(key, 0);

        private ScenarioException Error(int line, string problem) => new(source, line, problem);
    }
}
