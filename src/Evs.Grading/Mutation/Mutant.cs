// What a grader must catch (issue 15, item 2): a mutant is the reference class of a lab with one
// small mistake in it, of the kinds students make — a condition negated, a bound off by one, two
// operands swapped, a statement forgotten. A grader that passes a mutant would pass a student who
// made that mistake, so the share of mutants a lab's grading catches (its mutation score) is how
// far a student can trust "every specification held".
namespace Evs.Grading.Mutation;

/// <summary>The kinds of mistake a mutant makes.</summary>
public enum MutationOperator
{
    /// <summary>An off-by-one bound: <c>&lt;</c> and <c>&lt;=</c> (or <c>&gt;</c> and <c>&gt;=</c>) exchanged.</summary>
    Boundary,

    /// <summary>An equality negated: <c>==</c> and <c>!=</c> exchanged.</summary>
    Equality,

    /// <summary>A conjunction for a disjunction: <c>&amp;&amp;</c> and <c>||</c> exchanged.</summary>
    Logical,

    /// <summary>An arithmetic operator for its opposite: <c>+</c> and <c>-</c>, <c>*</c> and <c>/</c>.</summary>
    Arithmetic,

    /// <summary>The operands of a comparison or of a subtraction, division or remainder swapped.</summary>
    SwappedOperands,

    /// <summary>A condition (of an <c>if</c>, a loop, a <c>?:</c>) negated.</summary>
    NegatedCondition,

    /// <summary>A negation removed: <c>!x</c> becomes <c>x</c>.</summary>
    RemovedNegation,

    /// <summary>An integer constant one more or one less.</summary>
    OffByOneConstant,

    /// <summary><c>true</c> for <c>false</c>, or the other way.</summary>
    BooleanLiteral,

    /// <summary>A statement (a call, an assignment) left out.</summary>
    DroppedStatement,

    /// <summary>A query for its opposite: <c>Min</c> and <c>Max</c>, <c>Any</c> and <c>All</c>, <c>First</c> and <c>Last</c>, ascending and descending order, union and intersection.</summary>
    Query,

    /// <summary>A call forgotten: <c>set.With(more)</c> becomes <c>set</c>.</summary>
    DroppedCall,
}

/// <summary>
/// One mutant: its number in the lab's schema (from 1; 0 is the reference itself), the library
/// file and line it changes, the member it is in, the kind of mistake, and the code before and after.
/// </summary>
public sealed record Mutant(int Id, string File, int Line, string Member, MutationOperator Operator, string Original, string Replacement)
{
    /// <summary>
    /// How a mutant is named in a lab's list of equivalent mutants: the member, the code before and
    /// after. It does not hold the line, so that editing another part of the file keeps the name.
    /// </summary>
    public string Key => $"{Member}: {Original} → {Replacement}";

    /// <inheritdoc/>
    public override string ToString() => $"#{Id} {System.IO.Path.GetFileName(File)}:{Line} {Key}";
}
