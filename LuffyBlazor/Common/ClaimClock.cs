namespace LuffyBlazor.Common;

/// <summary>
/// The clock for claims: a row one worker owns until a given time (the timeout sweeper's orders, the simulator's
/// notifies). The end a worker writes is compared later to tell whether the claim is still its own, so it is kept to
/// the millisecond: PostgreSQL stores microseconds and SQLite ticks, and such a time reads back exactly as written.
/// </summary>
public static class ClaimClock
{
    public static DateTime UtcNowToTheMillisecond(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
