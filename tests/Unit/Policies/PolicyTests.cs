using MspMigration.Engine.ControlPlane;
using MspMigration.Engine.Policies;
using MspMigration.Engine.Stores;

namespace MspMigration.Tests.Unit.Policies;

public class GlobTests
{
    [Theory]
    [InlineData("*.jpg", "a/b/photo.jpg", true)]
    [InlineData("*.jpg", "photo.jpeg", false)]
    [InlineData("2024/*.jpg", "2024/x.jpg", true)]
    [InlineData("2024/*.jpg", "2024/sub/x.jpg", false)]
    [InlineData("2024/**.jpg", "2024/sub/x.jpg", true)]
    [InlineData("logs/**", "logs/a/b/c", true)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file10.txt", false)]
    [InlineData("[ab]*", "b-side", true)]
    [InlineData("[!ab]*", "b-side", false)]
    [InlineData("a+b (1).txt", "dir/a+b (1).txt", true)]
    public void Matches_keys(string pattern, string key, bool expected) => Assert.Equal(expected, Glob.Parse(pattern, "Include").IsMatch(key));

    [Theory]
    [InlineData("[abc")]
    [InlineData("abc]")]
    [InlineData("[]")]
    [InlineData(" ")]
    public void Rejects_bad_patterns(string pattern)
    {
        var e = Assert.Throws<MigrationException>(() => Glob.Parse(pattern, "Exclude"));
        Assert.Equal("InvalidPattern", e.ErrorId);
        Assert.Equal(pattern, e.Target);
    }
}

public class ObjectFilterTests
{
    private static readonly DateTimeOffset T = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Applies_every_filter()
    {
        var filter = new ObjectFilter(new MigrationTaskSettings
        {
            KeyPrefix = "photos/",
            Include = ["*.jpg"],
            Exclude = ["**/tmp/**"],
            ModifiedAfter = T,
            MinSize = 10,
            MaxSize = 100,
        });
        Assert.True(filter.Accepts(new ObjectInfo("photos/a.jpg", 50, T.AddDays(1))));
        Assert.False(filter.Accepts(new ObjectInfo("videos/a.jpg", 50, T.AddDays(1))));
        Assert.False(filter.Accepts(new ObjectInfo("photos/a.png", 50, T.AddDays(1))));
        Assert.False(filter.Accepts(new ObjectInfo("photos/x/tmp/a.jpg", 50, T.AddDays(1))));
        Assert.False(filter.Accepts(new ObjectInfo("photos/a.jpg", 50, T)));
        Assert.False(filter.Accepts(new ObjectInfo("photos/a.jpg", 5, T.AddDays(1))));
        Assert.False(filter.Accepts(new ObjectInfo("photos/a.jpg", 500, T.AddDays(1))));
    }

    [Fact]
    public void Inverted_ranges_are_rejected()
    {
        Assert.Equal("InvalidRange", Assert.Throws<MigrationException>(() =>
            new MigrationTaskSettings { ModifiedAfter = T, ModifiedBefore = T.AddDays(-1) }.Checked()).ErrorId);
        Assert.Equal("InvalidRange", Assert.Throws<MigrationException>(() =>
            new MigrationTaskSettings { MinSize = 10, MaxSize = 5 }.Checked()).ErrorId);
    }

    [Fact]
    public void Options_survive_the_json_round_trip()
    {
        var options = new MigrationTaskSettings { QpsLimit = 12.5, BandwidthLimit = 1000, Include = ["*.a"], TimeWindow = "21:00-06:00", ModifiedAfter = T };
        Assert.Equivalent(options, TaskSettingsJson.Read(options.ToJson()));
    }

    [Fact]
    public void Options_stored_by_earlier_versions_read_back()
    {
        // Written by the TaskOptions type that the settings replaced: the column is not migrated.
        const string stored = "{\"QpsLimit\":12.5,\"BandwidthLimit\":1000,\"KeyPrefix\":\"p/\",\"Include\":[\"*.a\"],\"Exclude\":[],"
            + "\"ModifiedAfter\":\"2024-06-01T00:00:00+00:00\",\"MinSize\":1,\"MaxSize\":9,\"TimeWindow\":\"21:00-06:00\"}";
        var read = TaskSettingsJson.Read(stored);
        Assert.Equivalent(new MigrationTaskSettings
        {
            QpsLimit = 12.5, BandwidthLimit = 1000, KeyPrefix = "p/", Include = ["*.a"], ModifiedAfter = T, MinSize = 1, MaxSize = 9, TimeWindow = "21:00-06:00",
        }, read);
        Assert.Equal(stored, read.ToJson());
    }

    [Fact]
    public void Checking_normalises_the_prefix_the_lists_and_the_window()
    {
        var s = new MigrationTaskSettings { KeyPrefix = "", Include = null!, TimeWindow = " 9:00 - 17:30 " }.Checked();
        Assert.Equal((null, "09:00-17:30"), (s.KeyPrefix, s.TimeWindow));
        Assert.Empty(s.Include);
        Assert.Null(new MigrationTaskSettings { TimeWindow = " " }.Checked().TimeWindow);
    }

    [Fact]
    public void Restoring_archived_objects_takes_1_to_365_days_and_a_positive_bound_that_defaults_to_72_hours()
    {
        foreach (var days in new[] { 0, -1, 366 })
            Assert.Equal("RestoreDaysOutOfRange", Assert.Throws<MigrationException>(() => new MigrationTaskSettings { RestoreArchived = days }.Checked()).ErrorId);
        Assert.Equal("RestoreTimeoutInvalid", Assert.Throws<MigrationException>(() =>
            new MigrationTaskSettings { RestoreTimeout = TimeSpan.FromHours(1) }.Checked()).ErrorId);
        Assert.Equal("RestoreTimeoutInvalid", Assert.Throws<MigrationException>(() =>
            new MigrationTaskSettings { RestoreArchived = 1, RestoreTimeout = TimeSpan.Zero }.Checked()).ErrorId);
        Assert.Equal(TimeSpan.FromHours(72), new MigrationTaskSettings { RestoreArchived = 365 }.Checked().RestoreTimeout);
        Assert.Null(new MigrationTaskSettings().Checked().RestoreTimeout);
        var kept = new MigrationTaskSettings { RestoreArchived = 2, RestoreTimeout = TimeSpan.FromMinutes(90) }.Checked();
        Assert.Equal(kept, TaskSettingsJson.Read(kept.ToJson()) with { Include = kept.Include, Exclude = kept.Exclude });
    }
}

public class SameNameDecisionTests
{
    private static readonly DateTimeOffset T = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SameNamePolicy.Overwrite, PlannedAction.Overwrite)]
    [InlineData(SameNamePolicy.Skip, PlannedAction.Skip)]
    public void Decides_for_an_existing_object(SameNamePolicy policy, PlannedAction expected) =>
        Assert.Equal(expected, SameNameDecision.Decide(policy, new ObjectInfo("k", 1, T), new ObjectInfo("k", 2, T)).Action);

    [Fact]
    public void Copies_whatever_the_policy_when_nothing_exists()
    {
        foreach (var policy in Enum.GetValues<SameNamePolicy>())
            Assert.Equal(PlannedAction.Copy, SameNameDecision.Decide(policy, new ObjectInfo("k", 1, T), null).Action);
    }

    [Fact]
    public void If_source_newer_compares_times()
    {
        Assert.Equal(PlannedAction.Overwrite, SameNameDecision.Decide(SameNamePolicy.IfSourceNewer, new ObjectInfo("k", 1, T.AddSeconds(1)), new ObjectInfo("k", 1, T)).Action);
        Assert.Equal(PlannedAction.Skip, SameNameDecision.Decide(SameNamePolicy.IfSourceNewer, new ObjectInfo("k", 1, T), new ObjectInfo("k", 1, T)).Action);
    }

    [Fact]
    public void If_different_needs_proof_of_sameness()
    {
        var p = SameNamePolicy.IfDifferent;
        Assert.Equal(PlannedAction.Overwrite, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T), new ObjectInfo("k", 2, T)).Action);
        Assert.Equal(PlannedAction.Skip, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T, null, 7), new ObjectInfo("k", 1, T.AddDays(1), null, 7)).Action);
        Assert.Equal(PlannedAction.Overwrite, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T, null, 7), new ObjectInfo("k", 1, T, null, 8)).Action);
        Assert.Equal(PlannedAction.Skip, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T, "\"abc\""), new ObjectInfo("k", 1, T.AddDays(1), "\"ABC\"")).Action);
        Assert.Equal(PlannedAction.Overwrite, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T, "\"a-2\""), new ObjectInfo("k", 1, T.AddDays(1), "\"a-2\"")).Action);
        Assert.Equal(PlannedAction.Skip, SameNameDecision.Decide(p, new ObjectInfo("k", 1, T), new ObjectInfo("k", 1, T)).Action);
    }
}
