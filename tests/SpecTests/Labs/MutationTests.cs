// The mutation grader (labs/README.md, "How far the grading can be trusted"): which mistakes it
// makes of a reference class, that the mutants compile into one library and are graded there,
// and that the lists of equivalent mutants name mutants that exist.
using Evs.Grading.Labs;
using Evs.Grading.Mutation;
using SpecTests.Cli;
using Xunit;
using Xunit.Abstractions;

namespace SpecTests.Labs;

[Collection(CliCollection.Name)]
public class MutationTests(ITestOutputHelper output)
{
    private static readonly Repository Repository = Repository.Find(AppContext.BaseDirectory)!;

    private const string Example = """
        namespace Evs.Reference.Example;

        public sealed class Example
        {
            private const int Limit = 3;
            private static readonly int Start = 1 + 2;

            public static bool Within(long seq, long aru, bool safe) => seq == aru + 1 && (!safe || seq <= aru);

            public int Count(List<int> xs)
            {
                int n = 0;
                if (xs.Any()) n++;
                Log(n);
                return xs.Min();
            }

            public static void Log(int n) => throw new InvalidOperationException($"{n - 1}");

            public override string ToString() => (1 + 1).ToString();
        }
        """;

    private static readonly HashSet<string> Everything =
        ["Example.Within(long,long,bool)", "Example.Count(List<int>)", "Example.Log(int)", "Example.ToString()", "Example.Start", "Example.Limit"];

    private static IReadOnlyList<string> Keys(IReadOnlySet<string> members) =>
        [.. MutantSchema.Rewrite("Example.cs", Example, 1, new HashSet<int>(), members).Mutants.Select(m => m.Key)];

    [Fact]
    public void The_mistakes_made_of_a_class_are_negated_conditions_off_by_one_bounds_swapped_operands_dropped_statements_and_opposite_queries()
    {
        var keys = Keys(Everything);
        Assert.Contains("Example.Within: seq == aru + 1 → seq != aru + 1", keys);
        Assert.Contains("Example.Within: seq <= aru → seq < aru", keys);
        Assert.Contains("Example.Within: seq <= aru → aru <= seq", keys);
        Assert.Contains("Example.Within: aru + 1 → aru + 2", keys);
        Assert.Contains("Example.Within: aru + 1 → aru - 1", keys);
        Assert.Contains("Example.Within: !safe → (safe)", keys);
        Assert.Contains("Example.Within: !safe || seq <= aru → !safe && (seq <= aru)", keys);
        Assert.Contains("Example.Count: xs.Any() → !(xs.Any())", keys);
        Assert.Contains("Example.Count: xs.Any() → xs.All()", keys);
        Assert.Contains("Example.Count: Log(n); → (left out)", keys);
        Assert.Contains("Example.Count: xs.Min() → xs.Max()", keys);
    }

    [Fact]
    public void Constants_static_initializers_the_text_of_exceptions_and_ToString_are_not_mutated()
    {
        var keys = Keys(Everything);
        Assert.DoesNotContain(keys, k => k.StartsWith("Example.Limit", StringComparison.Ordinal) || k.StartsWith("Example.Start", StringComparison.Ordinal)
            || k.StartsWith("Example.Log", StringComparison.Ordinal) || k.StartsWith("Example.ToString", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_members_a_starter_leaves_to_the_student_are_mutated()
    {
        const string starter = """
            public sealed class Example
            {
                public static bool Within(long seq, long aru, bool safe) => throw new NotImplementedException("lab");
                public int Count(List<int> xs) => xs.Count;
                public int Count(int[] xs) => throw new NotImplementedException("lab");
            }
            """;
        var members = MutantSchema.StudentMembers(starter);
        Assert.Equal(["Example.Within(long,long,bool)", "Example.Count(int[])"], members);
        Assert.All(Keys(members), k => Assert.StartsWith("Example.Within: ", k));
    }

    [Fact]
    public void Every_labs_mutants_compile_into_one_library_and_the_mutants_that_do_not_compile_are_left_out()
    {
        foreach (var lab in Lab.All)
        {
            var library = MutantLibrary.Build(Repository, lab);
            Assert.True(library.Compiled.Succeeded);
            Assert.NotEmpty(library.Mutants);
            Assert.Equal(MutantLibrary.Of(Repository, lab).Length, library.Mutants.Length + library.NotCompiling.Length);
        }
    }

    [Fact]
    public void Every_mutant_a_lab_lists_as_equivalent_is_one_of_its_mutants_and_has_a_reason()
    {
        foreach (var lab in Lab.All)
        {
            var keys = MutantLibrary.Of(Repository, lab).Select(m => m.Key).ToHashSet();
            foreach (var (key, why) in MutationCampaign.EquivalentMutants(Path.Combine(Repository.FolderOf(lab), MutationCampaign.EquivalentFile)))
            {
                Assert.True(keys.Contains(key), $"lab {lab.Number} lists `{key}` as equivalent, but it is not one of its mutants");
                Assert.True(why.Length > 40, $"lab {lab.Number}: `{key}` needs a reason");
            }
        }
    }

    [Fact]
    public void A_list_of_equivalent_mutants_that_names_one_twice_is_refused_naming_it()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["- `A.B: x < y → x <= y` — one reason", "prose", "- `A.B: x < y → x <= y` — another"]);
            var e = Assert.Throws<InvalidOperationException>(() => MutationCampaign.EquivalentMutants(path));
            Assert.Contains("lists `A.B: x < y → x <= y` more than once", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const string Variable = "EVS_MUTATION";

    [SkippableFact]
    public async Task MutationSoak_every_lab_catches_95_percent_of_its_mutants_as_its_row_in_the_labs_README_says()
    {
        Skip.If(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)),
            $"{Variable} is not set: {Variable}=1 dotnet test Evs.Reference.sln --filter MutationSoak grades every mutant of every lab (about five minutes on two cores)");
        var table = File.ReadAllText(Path.Combine(Repository.LabsFolder, "README.md"));
        foreach (var lab in Lab.All)
        {
            var (_, text) = await EvsProcess.RunLongAsync(TimeSpan.FromMinutes(30), output, Repository.Root, "lab", "mutate", $"{lab.Number}");
            var row = Assert.Single(text.Split('\n'), l => l.StartsWith("labs/README.md row: ", StringComparison.Ordinal))["labs/README.md row: ".Length..].Trim();
            double score = double.Parse(row.Split('|', StringSplitOptions.RemoveEmptyEntries)[^1].Trim().TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(score >= 95, $"lab {lab.Number}'s mutation score is {score}%: {row}");
            Assert.Contains(row, table);
        }
    }

    [Theory]
    [InlineData("--workers", "0", "--workers must be a positive number of processes, not 0")]
    [InlineData("--schedule-time-limit", "-1", "--schedule-time-limit must be a positive number of seconds, not -1")]
    public async Task A_number_that_is_not_positive_exits_2_naming_the_option(string option, string value, string message)
    {
        var (code, text) = await EvsProcess.RunAsync(output, Repository.Root, "lab", "mutate", "1", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task Lab_1_catches_every_mutant_that_is_not_listed_as_equivalent()
    {
        var (code, text) = await EvsProcess.RunLongAsync(TimeSpan.FromMinutes(10), output, Repository.Root, "lab", "mutate", "1");
        Assert.Equal(0, code);
        Assert.Contains("0 survived: mutation score 100.0%", text);
        Assert.Contains("caught by settles", text);
    }
}
