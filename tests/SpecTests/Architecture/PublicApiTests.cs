// The prototyper's package (issue 18): Evs.Runtime's public surface is the façade, EvsNode, its
// options, its events, receipts, views and the exceptions a caller must catch; everything else is
// internal. The surface is listed, one line per type and member, in an approved file in the
// repository, so that any change to it is a visible diff in review; and no public type may share
// a name with a type of the shared framework's System namespaces (a prototyper's `using System.*`
// must not make a name ambiguous, as Evs.Reference's Trace did with System.Diagnostics.Trace, now
// EvsTrace). Evs.Reference's public types are held to the same rule, but for two older names.
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Text;
using Evs.Reference.Tracing;
using Evs.Runtime;
using Xunit;

namespace SpecTests.Architecture;

public sealed class PublicApiTests
{
    private static readonly Assembly Package = typeof(EvsNode).Assembly;
    private static readonly string Approved = Path.Combine(FindRepository(), "src", "Evs.Runtime", "PublicApi.approved.txt");

    [Fact]
    public void The_public_API_of_Evs_Runtime_is_the_approved_one()
    {
        var actual = Render(Package);
        var approved = File.Exists(Approved) ? File.ReadAllText(Approved).ReplaceLineEndings("\n") : "";
        if (actual == approved) return;
        var received = Path.Combine(Path.GetDirectoryName(Approved)!, "PublicApi.received.txt");
        File.WriteAllText(received, actual);
        Assert.Fail($"The public API of Evs.Runtime differs from {Approved}:\n{Diff(approved, actual)}\n"
            + $"If the change is meant, approve it: the whole new list is in {received}; move it over the approved file "
            + "(mv src/Evs.Runtime/PublicApi.received.txt src/Evs.Runtime/PublicApi.approved.txt) and commit it with the change.");
    }

    [Fact]
    public void No_public_type_of_Evs_Runtime_has_the_name_of_a_type_of_the_shared_framework()
    {
        var framework = FrameworkTypeNames();

        Assert.Empty(Clashes(Package, framework));
        Assert.Contains("Trace", framework); // the list is read: System.Diagnostics.Trace is in it
    }

    // Names Evs.Reference had before the rule, each the paper's or Totem's own word; renaming them
    // touches the labs' starters and the README. The list may only shrink: a new clash fails, and
    // so does a name still listed here after its type is renamed.
    private static readonly string[] KnownReferenceClashes =
    [
        "Evs.Reference.Ordering.FlowControl", // System.Reflection.Emit.FlowControl: Totem's flow control (TOCS 1995)
        "Evs.Reference.Recovery.MemberInfo", // System.Reflection.MemberInfo: what a process supplies in step 3 of the recovery
    ];

    [Fact]
    public void No_public_type_of_Evs_Reference_has_the_name_of_a_type_of_the_shared_framework_beyond_the_known_ones()
    {
        var clashes = Clashes(typeof(EvsTrace).Assembly, FrameworkTypeNames());

        Assert.Equal(KnownReferenceClashes.Order(StringComparer.Ordinal), clashes);
    }

    // The public types of an assembly whose simple name is a shared-framework type's, by full name, sorted.
    private static List<string> Clashes(Assembly assembly, HashSet<string> framework) =>
        [.. assembly.GetExportedTypes().Where(t => framework.Contains(SimpleName(t.Name))).Select(t => t.FullName!).Order(StringComparer.Ordinal)];

    /// <summary>Every public type, sorted, each followed by its public and protected members, sorted; one line each.</summary>
    internal static string Render(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeLine(type)).Append('\n');
            foreach (var member in Members(type).Order(StringComparer.Ordinal)) text.Append("  ").Append(member).Append('\n');
        }
        return text.ToString();
    }

    private static string TypeLine(Type type)
    {
        string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : type.IsAbstract && type.IsSealed ? "static class"
            : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) bases.Add(Name(b));
        if (!type.IsEnum) bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {type.Namespace}.{Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.IsEnum)
        {
            foreach (var name in Enum.GetNames(type)) yield return name;
            yield break;
        }
        foreach (var member in type.GetMembers(declared))
        {
            if (member.IsDefined(typeof(CompilerGeneratedAttribute)) || member is Type) continue;
            if (Render(member) is { } line) yield return line;
        }
    }

    // A member a caller of the package can see (public, or protected in a type it may derive from), or null.
    private static string? Render(MemberInfo member) => member switch
    {
        ConstructorInfo c when Visible(c) => $"{Static(c)}.ctor({Parameters(c)})",
        MethodInfo m when Visible(m) && !m.IsSpecialName || m is { IsSpecialName: true, Name: var n } && n.StartsWith("op_", StringComparison.Ordinal) && Visible(m)
            => $"{Static(m)}{Name(m.ReturnType, m.ReturnParameter)} {m.Name}{Generic(m)}({Parameters(m)})",
        PropertyInfo p when Accessor(p) is { } accessors => $"{(p.GetMethod ?? p.SetMethod)!.IsStatic switch { true => "static ", _ => "" }}{Name(p.PropertyType, p)} {p.Name} {{ {accessors} }}",
        FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType, f)} {f.Name}",
        EventInfo e when e.AddMethod is { } add && Visible(add) => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static bool Visible(MethodBase m) => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly;

    private static string Static(MethodBase m) => (m.IsStatic ? "static " : "") + (m.IsAbstract ? "abstract " : "");

    private static string? Accessor(PropertyInfo p)
    {
        var parts = new List<string>();
        if (p.GetMethod is { } get && Visible(get)) parts.Add("get;");
        if (p.SetMethod is { } set && Visible(set))
            parts.Add(set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit") ? "init;" : "set;");
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{(p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "")}{Name(p.ParameterType, p)} {p.Name}{(p.HasDefaultValue ? " = " + Default(p) : "")}"));

    private static string Default(ParameterInfo p) => p.DefaultValue switch
    {
        null => p.ParameterType.IsValueType && Nullable.GetUnderlyingType(p.ParameterType) is null ? "default" : "null",
        bool b => b ? "true" : "false",
        string text => $"\"{text}\"",
        var value => value.ToString()!,
    };

    // C#'s names for the types that have one.
    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(int)] = "int", [typeof(long)] = "long",
        [typeof(ulong)] = "ulong", [typeof(double)] = "double", [typeof(string)] = "string", [typeof(object)] = "object",
    };

    private static string Name(Type type, ParameterInfo parameter) => Name(type, new NullabilityInfoContext().Create(parameter));

    private static string Name(Type type, PropertyInfo property) => Name(type, new NullabilityInfoContext().Create(property));

    private static string Name(Type type, FieldInfo field) => Name(type, new NullabilityInfoContext().Create(field));

    private static string Name(Type type, NullabilityInfo nullability) =>
        Name(type) + (!type.IsValueType && nullability.ReadState == NullabilityState.Nullable ? "?" : "");

    private static string Name(Type type)
    {
        if (Keywords.TryGetValue(type, out var keyword)) return keyword;
        if (type.IsByRef) return Name(type.GetElementType()!);
        if (type.IsArray) return Name(type.GetElementType()!) + "[]";
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Name(underlying) + "?";
        var name = type.IsNested && !type.IsGenericParameter ? $"{Name(type.DeclaringType!)}.{SimpleName(type.Name)}" : SimpleName(type.Name);
        return type.IsGenericType ? $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>" : name;
    }

    private static string SimpleName(string name) => name.Split('`')[0];

    // The names of the public types of the shared framework's System namespaces, read from the
    // framework's assemblies' metadata (nothing is loaded).
    private static HashSet<string> FrameworkTypeNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var folder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (var file in Directory.EnumerateFiles(folder, "System*.dll").Append(Path.Combine(folder, "netstandard.dll")).Append(Path.Combine(folder, "mscorlib.dll")))
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) continue;
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var definition = metadata.GetTypeDefinition(handle);
                var visibility = definition.Attributes & System.Reflection.TypeAttributes.VisibilityMask;
                if (visibility != System.Reflection.TypeAttributes.Public) continue;
                if (!metadata.GetString(definition.Namespace).StartsWith("System", StringComparison.Ordinal)) continue;
                names.Add(SimpleName(metadata.GetString(definition.Name)));
            }
        }
        return names;
    }

    // The lines of each side that the other lacks, each member named with its type, in the order
    // they appear: enough to see what changed.
    private static string Diff(string approved, string actual)
    {
        var before = Qualified(approved);
        var after = Qualified(actual);
        var gone = before.Except(after).Select(l => "- " + l);
        var added = after.Except(before).Select(l => "+ " + l);
        return string.Join("\n", gone.Concat(added).Take(200));
    }

    private static List<string> Qualified(string list)
    {
        var lines = new List<string>();
        string type = "";
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith(' ')) type = line;
            lines.Add(line.StartsWith(' ') ? $"{type} :: {line.Trim()}" : line);
        }
        return lines;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Evs.Reference.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository (the folder holding Evs.Reference.sln) is not above the test assembly");
    }
}
