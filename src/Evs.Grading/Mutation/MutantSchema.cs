// Every mutant of a file in one compilation. Compiling the library once per mutant would take
// seconds each, hundreds of times; instead each mutation point is rewritten into a choice made at
// run time — `(MutantSwitch.Is(7) ? a <= b : a < b)` — so one build holds the reference and all of
// its mutants, and the grader picks one by setting MutantSwitch.Active (the technique is known as
// mutant schemata; Stryker.NET works the same way). The rewriting is bottom-up: a mutated node's
// children are already rewritten, so mutants inside mutants stay independent choices.
//
// What is not mutated, and why: what the lab's starter gives (only the student's members measure
// how the lab grades the student's work); code that must be a constant (const, attributes, case
// labels, patterns, parameter defaults, enum values); static initializers, which run once per
// process and would keep whichever mutant was active then; the text of exceptions and
// interpolated strings, and ToString and GetHashCode, which no specification judges.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Evs.Grading.Mutation;

/// <summary>The switch the rewritten code consults, compiled into the library next to the mutants.</summary>
public static class MutantSwitch
{
    /// <summary>The switch's type, as the rewritten code names it.</summary>
    public const string TypeName = "Evs.Reference.Mutation.MutantSwitch";

    /// <summary>The switch's source: the active mutant's number (0: none, the reference), read by every mutation point.</summary>
    public const string Source =
        "namespace Evs.Reference.Mutation;\n\n" +
        "/// <summary>Which mutant the library behaves as (0: none); set by the mutation grader.</summary>\n" +
        "public static class MutantSwitch\n{\n" +
        "    /// <summary>The active mutant's number.</summary>\n" +
        "    public static int Active;\n\n" +
        "    /// <summary>Whether mutant <paramref name=\"id\"/> is the active one.</summary>\n" +
        "    public static bool Is(int id) => Active == id;\n}\n";
}

/// <summary>A file rewritten to hold its mutants, and the mutants it holds.</summary>
/// <param name="Text">The rewritten source.</param>
/// <param name="Mutants">The mutants, by number, including those left out (their points are not rewritten).</param>
public sealed record SchemaFile(string Text, ImmutableArray<Mutant> Mutants);

/// <summary>Rewrites one library file into a mutant schema.</summary>
public static class MutantSchema
{
    /// <summary>
    /// The schema of <paramref name="source"/> (library file <paramref name="file"/>): its mutants
    /// numbered from <paramref name="firstId"/> in the order of the text, each rewritten into a run-time
    /// choice unless its number is in <paramref name="leftOut"/> (a mutant that does not compile).
    /// Only the members named in <paramref name="members"/> (as <see cref="Signature"/> names them) are
    /// mutated: those the lab's starter leaves to the student.
    /// </summary>
    public static SchemaFile Rewrite(string file, string source, int firstId, IReadOnlySet<int> leftOut, IReadOnlySet<string> members)
    {
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest));
        var alone = CSharpCompilation.Create("alone", [tree], Labs.LibraryCompiler.Platform);
        return Rewrite(file, tree, alone.GetSemanticModel(tree), firstId, leftOut, members);
    }

    /// <summary>
    /// The schema of <paramref name="tree"/>, a file of a compilation whose <paramref name="model"/>
    /// gives the types: a forgotten call is a mutant only where the call's result has its receiver's
    /// type, so that the choice between them has the type the code around it expects.
    /// </summary>
    public static SchemaFile Rewrite(string file, SyntaxTree tree, SemanticModel model, int firstId, IReadOnlySet<int> leftOut, IReadOnlySet<string> members)
    {
        var rewriter = new Rewriter(file, model, firstId, leftOut, members);
        var root = rewriter.Visit(tree.GetRoot());
        return new SchemaFile(root.ToFullString(), [.. rewriter.Mutants]);
    }

    /// <summary>
    /// The members a starter leaves to the student (as <see cref="Signature"/> names them): those whose body throws
    /// <see cref="NotImplementedException"/>. Equality, printing and the like that a starter gives
    /// are not the student's work, so their mutants would not measure how the lab grades it.
    /// </summary>
    public static IReadOnlySet<string> StudentMembers(string starter) =>
        CSharpSyntaxTree.ParseText(starter, new CSharpParseOptions(LanguageVersion.Latest)).GetRoot().DescendantNodes()
            .OfType<MemberDeclarationSyntax>().Where(m => m is not BaseTypeDeclarationSyntax)
            .Where(m => m.DescendantNodes().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.Text == nameof(NotImplementedException)))
            .Select(Signature).ToHashSet();

    /// <summary>
    /// The member a node is in, told apart from its overloads: <c>Gather.OnConsensusTimeout(List&lt;NodeOutput&gt;)</c>,
    /// as <see cref="MemberOf"/> with the types of a method's parameters.
    /// </summary>
    public static string Signature(SyntaxNode node) =>
        node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseTypeDeclarationSyntax) is BaseMethodDeclarationSyntax method
            ? $"{MemberOf(node)}({string.Join(",", method.ParameterList.Parameters.Select(p => p.Type?.ToString()))})"
            : MemberOf(node);

    /// <summary>
    /// The numbers of the mutation points that hold <paramref name="node"/> in their mutated branch
    /// (innermost first): the mutants a compile error at that node comes from.
    /// </summary>
    public static IEnumerable<int> MutantsHolding(SyntaxNode node)
    {
        foreach (var ancestor in node.AncestorsAndSelf())
        {
            if (ancestor is ConditionalExpressionSyntax choice && Number(choice.Condition) is { } id
                && (choice == node || choice.WhenTrue.Span.Contains(node.Span)))
                yield return id;
        }
    }

    /// <summary>The statements left out by mutants inside the member holding <paramref name="node"/>: the suspects of an error a dropped assignment causes elsewhere.</summary>
    public static IEnumerable<int> DroppedStatementsAround(SyntaxNode node) =>
        node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault() is { } member
            ? member.DescendantNodes().OfType<IfStatementSyntax>()
                .Select(s => s.Condition is PrefixUnaryExpressionSyntax { Operand: var operand } ? Number(operand) : null).OfType<int>()
            : [];

    // The number in `MutantSwitch.Is(n)`, or null for any other expression.
    private static int? Number(ExpressionSyntax condition) =>
        condition is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Is" } access, ArgumentList.Arguments: [var argument] }
        && access.Expression.ToString() == MutantSwitch.TypeName
        && argument.Expression is LiteralExpressionSyntax { Token.Value: int id }
            ? id : null;

    /// <summary>The member a node is in, as <c>Type.Member</c> (<c>Step6Delivery.Perform</c>, <c>Token.constructor</c>).</summary>
    public static string MemberOf(SyntaxNode node)
    {
        var type = node.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault()?.Identifier.Text ?? "";
        var member = node.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault(m => m is not BaseTypeDeclarationSyntax) switch
        {
            MethodDeclarationSyntax m => m.Identifier.Text,
            PropertyDeclarationSyntax p => p.Identifier.Text,
            ConstructorDeclarationSyntax => "constructor",
            FieldDeclarationSyntax f => f.Declaration.Variables.First().Identifier.Text,
            OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text,
            _ => "",
        };
        return member.Length == 0 ? type : $"{type}.{member}";
    }

    private sealed class Rewriter(string file, SemanticModel model, int firstId, IReadOnlySet<int> leftOut, IReadOnlySet<string> members) : CSharpSyntaxRewriter
    {
        private static readonly Dictionary<SyntaxKind, SyntaxKind> Boundary = new()
        {
            [SyntaxKind.LessThanToken] = SyntaxKind.LessThanEqualsToken,
            [SyntaxKind.LessThanEqualsToken] = SyntaxKind.LessThanToken,
            [SyntaxKind.GreaterThanToken] = SyntaxKind.GreaterThanEqualsToken,
            [SyntaxKind.GreaterThanEqualsToken] = SyntaxKind.GreaterThanToken,
        };

        private static readonly Dictionary<SyntaxKind, (SyntaxKind To, MutationOperator Operator)> Opposite = new()
        {
            [SyntaxKind.EqualsEqualsToken] = (SyntaxKind.ExclamationEqualsToken, MutationOperator.Equality),
            [SyntaxKind.ExclamationEqualsToken] = (SyntaxKind.EqualsEqualsToken, MutationOperator.Equality),
            [SyntaxKind.AmpersandAmpersandToken] = (SyntaxKind.BarBarToken, MutationOperator.Logical),
            [SyntaxKind.BarBarToken] = (SyntaxKind.AmpersandAmpersandToken, MutationOperator.Logical),
            [SyntaxKind.PlusToken] = (SyntaxKind.MinusToken, MutationOperator.Arithmetic),
            [SyntaxKind.MinusToken] = (SyntaxKind.PlusToken, MutationOperator.Arithmetic),
            [SyntaxKind.AsteriskToken] = (SyntaxKind.SlashToken, MutationOperator.Arithmetic),
            [SyntaxKind.SlashToken] = (SyntaxKind.AsteriskToken, MutationOperator.Arithmetic),
        };

        private static readonly HashSet<SyntaxKind> Asymmetric =
        [
            SyntaxKind.LessThanToken, SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken, SyntaxKind.GreaterThanEqualsToken,
            SyntaxKind.MinusToken, SyntaxKind.SlashToken, SyntaxKind.PercentToken,
        ];

        private static readonly Dictionary<string, string> Queries = new()
        {
            ["Min"] = "Max", ["Max"] = "Min", ["Any"] = "All", ["All"] = "Any",
            ["First"] = "Last", ["Last"] = "First", ["FirstOrDefault"] = "LastOrDefault", ["LastOrDefault"] = "FirstOrDefault",
            ["OrderBy"] = "OrderByDescending", ["OrderByDescending"] = "OrderBy", ["ThenBy"] = "ThenByDescending", ["ThenByDescending"] = "ThenBy",
            ["Union"] = "Intersect", ["Intersect"] = "Union",
        };

        private int _next = firstId;

        public List<Mutant> Mutants { get; } = [];

        public override SyntaxNode? VisitBinaryExpression(BinaryExpressionSyntax node)
        {
            var visited = (BinaryExpressionSyntax)base.VisitBinaryExpression(node)!;
            if (!Mutable(node)) return visited;
            var op = node.OperatorToken.Kind();
            var choices = new List<(Mutant, ExpressionSyntax)>();
            if (Boundary.TryGetValue(op, out var bound))
                choices.Add(Choice(node, MutationOperator.Boundary, n => n.WithOperatorToken(Token(bound).WithTriviaFrom(n.OperatorToken)), visited));
            if (Opposite.TryGetValue(op, out var opposite))
                choices.Add(Choice(node, opposite.Operator, n => (opposite.Operator == MutationOperator.Logical ? Explicit(n) : n).WithOperatorToken(Token(opposite.To).WithTriviaFrom(n.OperatorToken)), visited));
            if (Asymmetric.Contains(op))
                choices.Add(Choice(node, MutationOperator.SwappedOperands, Swap, visited));
            if (op is SyntaxKind.AmpersandAmpersandToken or SyntaxKind.BarBarToken && !IsComparison(node.Parent))
                choices.Add(Choice(node, MutationOperator.NegatedCondition, n => Not(n), visited));
            return Wrap(visited, choices);
        }

        public override SyntaxNode? VisitPrefixUnaryExpression(PrefixUnaryExpressionSyntax node)
        {
            var visited = (PrefixUnaryExpressionSyntax)base.VisitPrefixUnaryExpression(node)!;
            if (!Mutable(node) || !node.IsKind(SyntaxKind.LogicalNotExpression)) return visited;
            return Wrap(visited, [Choice(node, MutationOperator.RemovedNegation, n => Parenthesized(n.Operand), visited)]);
        }

        public override SyntaxNode? VisitLiteralExpression(LiteralExpressionSyntax node)
        {
            if (!Mutable(node)) return node;
            if (node.IsKind(SyntaxKind.TrueLiteralExpression) || node.IsKind(SyntaxKind.FalseLiteralExpression))
            {
                var flipped = LiteralExpression(node.IsKind(SyntaxKind.TrueLiteralExpression) ? SyntaxKind.FalseLiteralExpression : SyntaxKind.TrueLiteralExpression);
                return Wrap(node, [ConstantChoice(node, MutationOperator.BooleanLiteral, flipped.WithTriviaFrom(node))]);
            }
            if (node.IsKind(SyntaxKind.NumericLiteralExpression) && node.Token.Value is int or long && !InsideNegation(node))
            {
                long value = Convert.ToInt64(node.Token.Value);
                string suffix = node.Token.Value is long ? "L" : "";
                return Wrap(node,
                [
                    ConstantChoice(node, MutationOperator.OffByOneConstant, Number(value + 1, suffix).WithTriviaFrom(node)),
                    ConstantChoice(node, MutationOperator.OffByOneConstant, Number(value - 1, suffix).WithTriviaFrom(node)),
                ]);
            }
            return node;
        }

        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
            if (!Mutable(node) || node.Expression is not MemberAccessExpressionSyntax { Name: SimpleNameSyntax name } access) return visited;
            var choices = new List<(Mutant, ExpressionSyntax)>();
            if (Queries.TryGetValue(name.Identifier.Text, out var other))
                choices.Add(Choice(node, MutationOperator.Query, n => Rename(n, other), visited));
            // `set.With(more)` → `set`: the call forgotten. Only where the receiver has the call's
            // type does it compile; the others are left out with the mutants that do not compile.
            if (node.Parent is not ExpressionStatementSyntax && SameType(node, access.Expression))
                choices.Add(Choice(node, MutationOperator.DroppedCall, n => ((MemberAccessExpressionSyntax)n.Expression).Expression, visited));
            return Wrap(visited, choices);
        }

        private bool SameType(ExpressionSyntax a, ExpressionSyntax b) =>
            model.GetTypeInfo(a).Type is { TypeKind: not TypeKind.Error } type && SymbolEqualityComparer.Default.Equals(type, model.GetTypeInfo(b).Type);

        public override SyntaxNode? VisitArrowExpressionClause(ArrowExpressionClauseSyntax node)
        {
            var visited = (ArrowExpressionClauseSyntax)base.VisitArrowExpressionClause(node)!;
            return NegatableResult(node.Expression) ? visited.WithExpression(NegateCondition(node.Expression, visited.Expression)) : visited;
        }

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
        {
            var visited = (ReturnStatementSyntax)base.VisitReturnStatement(node)!;
            return node.Expression is { } e && NegatableResult(e) ? visited.WithExpression(NegateCondition(e, visited.Expression!)) : visited;
        }

        // A result computed by a call or read from a member may be a truth value, to be negated as a
        // whole (where it is not one, the negation does not compile and is left out); comparisons,
        // constants and negations have mutants of their own.
        private bool NegatableResult(ExpressionSyntax result) =>
            Mutable(result) && result is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax;

        public override SyntaxNode? VisitIfStatement(IfStatementSyntax node)
        {
            var visited = (IfStatementSyntax)base.VisitIfStatement(node)!;
            return NegatableCondition(node.Condition) ? visited.WithCondition(NegateCondition(node.Condition, visited.Condition)) : visited;
        }

        public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node)
        {
            var visited = (WhileStatementSyntax)base.VisitWhileStatement(node)!;
            return NegatableCondition(node.Condition) ? visited.WithCondition(NegateCondition(node.Condition, visited.Condition)) : visited;
        }

        public override SyntaxNode? VisitConditionalExpression(ConditionalExpressionSyntax node)
        {
            var visited = (ConditionalExpressionSyntax)base.VisitConditionalExpression(node)!;
            return NegatableCondition(node.Condition) ? visited.WithCondition(NegateCondition(node.Condition, visited.Condition)) : visited;
        }

        public override SyntaxNode? VisitExpressionStatement(ExpressionStatementSyntax node)
        {
            var visited = (ExpressionStatementSyntax)base.VisitExpressionStatement(node)!;
            if (!Mutable(node)) return visited;
            var mutant = Add(node, MutationOperator.DroppedStatement, node.ToString(), "(left out)");
            if (leftOut.Contains(mutant.Id)) return visited;
            var kept = IfStatement(PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, Switch(mutant.Id)), Block(visited.WithoutTrivia()));
            return Block(kept).WithTriviaFrom(visited);
        }

        // A condition is negated as a whole only where no other mutant already negates it: a
        // comparison's own mutants (== for !=, a bound) and a leading ! already make the mistake.
        private bool NegatableCondition(ExpressionSyntax condition) =>
            Mutable(condition) && condition is not BinaryExpressionSyntax && !condition.IsKind(SyntaxKind.LogicalNotExpression);

        private ExpressionSyntax NegateCondition(ExpressionSyntax original, ExpressionSyntax visited) =>
            Wrap(visited, [Choice(original, MutationOperator.NegatedCondition, n => Not(n), visited)]);

        // A mutant of `original`, described by applying `mutate` to it; its code is `mutate` of the
        // rewritten node, so that the mutants inside it stay choices of their own.
        private (Mutant, ExpressionSyntax) Choice<T>(T original, MutationOperator kind, Func<T, ExpressionSyntax> mutate, T visited) where T : ExpressionSyntax =>
            (Add(original, kind, original.ToString(), mutate(original).NormalizeWhitespace().ToString()), mutate(visited));

        // A constant is shown in the expression around it (`deliveredUpTo + 1 → deliveredUpTo + 2`),
        // or in the call it is an argument of: a bare `1 → 2` would not say which 1.
        private (Mutant, ExpressionSyntax) ConstantChoice(LiteralExpressionSyntax original, MutationOperator kind, ExpressionSyntax replacement)
        {
            var around = original.Parent switch
            {
                ArgumentSyntax { Parent.Parent: ExpressionSyntax call } => call,
                ExpressionSyntax parent and not ParenthesizedExpressionSyntax => parent,
                _ => (SyntaxNode)original,
            };
            var after = around.ReplaceNode(original, replacement).NormalizeWhitespace().ToString();
            return (Add(original, kind, around.ToString(), after), replacement);
        }

        // An operand that is itself an operation, parenthesized: exchanging && and || must not
        // read as if it changed which operator binds first.
        private static BinaryExpressionSyntax Explicit(BinaryExpressionSyntax n) =>
            n.WithLeft(n.Left is BinaryExpressionSyntax ? Parenthesized(n.Left) : n.Left)
             .WithRight(n.Right is BinaryExpressionSyntax ? Parenthesized(n.Right) : n.Right);

        private Mutant Add(SyntaxNode original, MutationOperator kind, string before, string after)
        {
            var mutant = new Mutant(_next++, file, original.GetLocation().GetLineSpan().StartLinePosition.Line + 1, MemberOf(original), kind,
                OneLine(before), OneLine(after));
            Mutants.Add(mutant);
            return mutant;
        }

        // `(Is(a) ? A : (Is(b) ? B : original))`, without the mutants left out.
        private ExpressionSyntax Wrap(ExpressionSyntax visited, IEnumerable<(Mutant Mutant, ExpressionSyntax Code)> choices)
        {
            ExpressionSyntax result = visited.WithoutTrivia();
            foreach (var (mutant, code) in choices.Reverse())
                if (!leftOut.Contains(mutant.Id))
                    result = Parenthesized(ConditionalExpression(Switch(mutant.Id), Parenthesized(code.WithoutTrivia()), Parenthesized(result)));
            return result == visited.WithoutTrivia() ? visited : result.WithTriviaFrom(visited);
        }

        private static ExpressionSyntax Switch(int id) =>
            InvocationExpression(ParseExpression(MutantSwitch.TypeName + ".Is"),
                ArgumentList(SingletonSeparatedList(Argument(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(id))))));

        private static ExpressionSyntax Not(ExpressionSyntax e) => PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, Parenthesized(e));

        private static ParenthesizedExpressionSyntax Parenthesized(ExpressionSyntax e) => ParenthesizedExpression(e.WithoutTrivia());

        private static ExpressionSyntax Swap(BinaryExpressionSyntax n) =>
            n.WithLeft(n.Right.WithTriviaFrom(n.Left)).WithRight(n.Left.WithTriviaFrom(n.Right));

        private static ExpressionSyntax Number(long value, string suffix) => ParseExpression(value < 0 ? $"({value}{suffix})" : $"{value}{suffix}");

        private static ExpressionSyntax Rename(InvocationExpressionSyntax n, string name)
        {
            var access = (MemberAccessExpressionSyntax)n.Expression;
            return n.WithExpression(access.WithName(IdentifierName(name).WithTriviaFrom(access.Name)));
        }

        private static bool IsComparison(SyntaxNode? parent) => parent is BinaryExpressionSyntax b && b.OperatorToken.Kind() is SyntaxKind.AmpersandAmpersandToken or SyntaxKind.BarBarToken;

        // `-1` is a negation of the literal 1: mutating the literal inside it would print as `-2`.
        private static bool InsideNegation(SyntaxNode node) => node.Parent is PrefixUnaryExpressionSyntax p && p.IsKind(SyntaxKind.UnaryMinusExpression);

        private static string OneLine(string code) => string.Join(" ", code.Split((char[])['\r', '\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));

        private bool Mutable(SyntaxNode node)
        {
            if (!members.Contains(Signature(node))) return false;
            // A mutated copy of code that declares a variable (`out var x`, `is T x`) would declare it twice.
            if (node.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>().Any()) return false;
            foreach (var ancestor in node.AncestorsAndSelf())
            {
                switch (ancestor)
                {
                    case AttributeSyntax or ParameterSyntax or CaseSwitchLabelSyntax or PatternSyntax or EnumMemberDeclarationSyntax
                        or ThrowStatementSyntax or ThrowExpressionSyntax or InterpolatedStringExpressionSyntax:
                        return false;
                    case InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" } }:
                        return false;
                    case LocalDeclarationStatementSyntax local when local.IsConst:
                        return false;
                    case FieldDeclarationSyntax field when field.Modifiers.Any(m => m.IsKind(SyntaxKind.ConstKeyword) || m.IsKind(SyntaxKind.StaticKeyword)):
                        return false;
                    case PropertyDeclarationSyntax { Initializer: not null } property when property.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword))
                        && property.Initializer.Span.Contains(node.Span):
                        return false;
                    case ConstructorDeclarationSyntax constructor when constructor.Modifiers.Any(m => m.IsKind(SyntaxKind.StaticKeyword)):
                        return false;
                    case MethodDeclarationSyntax { Identifier.Text: "ToString" or "GetHashCode" }:
                        return false;
                }
            }
            return true;
        }
    }
}
