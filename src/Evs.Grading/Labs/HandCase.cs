// The cases a lab plays by hand before its schedules: situations the random schedules reach too
// seldom to grade by, built as small histories, or as calls on the student's classes, that put
// the lab's step exactly where it is hard. A grading child reports a case like a schedule, with
// the case's value as the index a schedule's (0 and up) would have, so that the grader always knows
// what a child was doing, even when it died doing it.
namespace Evs.Grading.Labs;

/// <summary>A case played by hand; its value is its index in a grading child's lines.</summary>
public enum HandCase
{
    /// <summary>The case of the paper's Section 3.2 (<see cref="Section32Case"/>), with a row of its own.</summary>
    Section32 = -1,

    /// <summary>The filter's partition case (<see cref="PartitionCase"/>), counted in the rows of the conditions it judges.</summary>
    Partition = -2,

    /// <summary>The primary component algorithms' splits (<see cref="VotingCase"/>), counted in the rows of Uniqueness and of progress.</summary>
    Voting = -3,

    /// <summary>Totem's membership rules (<see cref="MembershipCase"/>), with a row of its own.</summary>
    Membership = -4,
}

/// <summary>What the grader needs to know of each case played by hand.</summary>
public static class HandCases
{
    /// <summary>The index of <paramref name="handCase"/>'s lines among a grading child's lines.</summary>
    public static int Index(this HandCase handCase) => (int)handCase;

    /// <summary>The case whose lines have <paramref name="index"/>, or null for a schedule's.</summary>
    public static HandCase? Of(int index) => index < 0 ? (HandCase)index : null;

    /// <summary>How a report names the case.</summary>
    public static string Name(this HandCase handCase) => handCase switch
    {
        HandCase.Section32 => "the case of Section 3.2",
        HandCase.Partition => "the filter's partition case",
        HandCase.Voting => "the primary component algorithms' case played by hand",
        _ => "Totem's membership case",
    };

    /// <summary>
    /// The row the case is judged in as a whole (its name and title), or null for a case counted in
    /// the rows of the specifications it judges, apart from the schedules (<see cref="LabRunner.Rows.RecordCase"/>).
    /// </summary>
    public static (string Spec, string Title)? OwnRow(this HandCase handCase) => handCase switch
    {
        HandCase.Section32 => (Section32Case.Spec, Section32Case.Title),
        HandCase.Membership => (MembershipCase.Spec, MembershipCase.Title),
        _ => null,
    };

    /// <summary>What a failure found in the case begins with: the story of the case, where its messages do not tell it themselves.</summary>
    public static string Story(this HandCase handCase) => handCase == HandCase.Partition ? PartitionCase.Story + "\n" : "";
}
