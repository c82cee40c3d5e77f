using System.Diagnostics;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Courses;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Demo;

public sealed record DemoSeedResult(int UsersAdded, int OrdersBefore, int OrdersAdded);

/// <summary>
/// <c>seed-demo --orders N</c>: makes sure the database holds N demo orders (numbers starting with <c>DEMO</c>) of
/// demo learners (<c>demo-00001</c>..., password <see cref="UserPassword"/>), with their lines, status history,
/// course ownership, notifies and refunds. Running it again adds only what is missing. Rows are written with
/// prepared statements in large transactions, so 100,000 orders take seconds.
/// </summary>
public sealed class DemoDataSeeder(IDbContextFactory<LuffyDbContext> dbFactory, IPasswordHasher<ApplicationUser> hasher, TimeProvider clock)
{
    public const string UserPrefix = "demo-";
    public const string UserPassword = "demo-pass-123";
    private const int BatchSize = 5_000;

    public async Task<DemoSeedResult> SeedAsync(int targetOrders, Action<string> report, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var courses = await db.Courses.AsNoTracking().OrderBy(c => c.Id).Select(c => new DemoCourse(c.Id, c.Name, c.Price)).ToListAsync(ct);
        if (courses.Count == 0)
        {
            throw new InvalidOperationException("The catalogue is empty: demo orders need courses (Database:SeedCatalogue seeds them).");
        }

        var (from, to) = OrderFilters.PrefixRange(DemoOrderMaker.OrderPrefix);
        var before = await db.Orders.CountAsync(o => o.OutTradeNo.CompareTo(from) >= 0 && o.OutTradeNo.CompareTo(to) < 0, ct);
        if (before >= targetOrders)
        {
            report($"The database already holds {before:N0} demo orders (asked for {targetOrders:N0}); nothing added.");
            return new DemoSeedResult(0, before, 0);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await db.Database.OpenConnectionAsync(ct);
        if (db.Database.IsSqlite())
        {
            // Orders arrive in random time order, so every index takes writes all over: let this connection keep the
            // pages it is changing in memory (256 MB at most) instead of rereading them from disk.
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-262144;", ct);
        }
        var (userIds, usersAdded) = await EnsureUsersAsync(db, Math.Clamp(targetOrders / 4, 20, 50_000), now, ct);
        report($"Demo learners: {userIds.Count:N0} ({usersAdded:N0} added, password {UserPassword}).");

        var maker = new DemoOrderMaker(courses, userIds.Count, now, seed: before * 31 + targetOrders);
        var index = userIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var ownedAlready = await db.CourseOwnerships.AsNoTracking().Select(x => new { x.UserId, x.CourseId }).ToListAsync(ct);
        foreach (var x in ownedAlready.Where(x => index.ContainsKey(x.UserId)))
        {
            maker.MarkOwned(index[x.UserId], x.CourseId);
        }

        var toAdd = targetOrders - before;
        report($"Adding {toAdd:N0} demo orders to the {before:N0} there are...");
        var students = new Dictionary<int, int>();
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < toAdd;)
        {
            ct.ThrowIfCancellationRequested();
            var count = Math.Min(BatchSize, toAdd - done);
            var orders = Enumerable.Range(before + done, count).Select(maker.Next).ToList();
            await using (var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct))
            {
                using var writer = new DemoOrderWriter(db, transaction, userIds);
                foreach (var order in orders)
                {
                    writer.Write(order, students);
                }

                await transaction.CommitAsync(ct);
            }

            done += count;
            report($"  {done:N0} / {toAdd:N0} orders ({watch.Elapsed.TotalSeconds:0.0} s)");
        }

        foreach (var (courseId, added) in students)
        {
            await db.Courses.Where(c => c.Id == courseId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.StudentsCount, c => c.StudentsCount + added), ct);
        }

        report($"Done: {targetOrders:N0} demo orders in {watch.Elapsed.TotalSeconds:0.0} s.");
        return new DemoSeedResult(usersAdded, before, toAdd);
    }

    /// <summary>The ids of demo-00001... demo-{count}, creating the missing ones (one password hash shared by all).</summary>
    private async Task<(List<string> Ids, int Added)> EnsureUsersAsync(LuffyDbContext db, int count, DateTime now, CancellationToken ct)
    {
        var (from, to) = OrderFilters.PrefixRange(UserPrefix.ToUpperInvariant());
        var existing = await db.Users.AsNoTracking()
            .Where(u => u.NormalizedUserName!.CompareTo(from) >= 0 && u.NormalizedUserName.CompareTo(to) < 0)
            .ToDictionaryAsync(u => u.UserName!, u => u.Id, ct);
        var names = Enumerable.Range(1, count).Select(i => $"{UserPrefix}{i:D5}").ToList();
        var missing = names.Where(n => !existing.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            var hash = hasher.HashPassword(new ApplicationUser(), UserPassword);
            await using var transaction = await db.Database.GetDbConnection().BeginTransactionAsync(ct);
            using var users = BulkInsert.For<ApplicationUser>(db, transaction, returnId: false,
                nameof(ApplicationUser.Id), nameof(ApplicationUser.UserName), nameof(ApplicationUser.NormalizedUserName),
                nameof(ApplicationUser.Email), nameof(ApplicationUser.NormalizedEmail), nameof(ApplicationUser.EmailConfirmed),
                nameof(ApplicationUser.PasswordHash), nameof(ApplicationUser.SecurityStamp), nameof(ApplicationUser.ConcurrencyStamp),
                nameof(ApplicationUser.PhoneNumberConfirmed), nameof(ApplicationUser.TwoFactorEnabled), nameof(ApplicationUser.LockoutEnabled),
                nameof(ApplicationUser.AccessFailedCount), nameof(ApplicationUser.CreatedAt));
            foreach (var name in missing)
            {
                var id = Guid.NewGuid().ToString();
                var email = $"{name}@demo.luffy.test";
                users.Insert(id, name, name.ToUpperInvariant(), email, email.ToUpperInvariant(), true, hash,
                    Guid.NewGuid().ToString("N").ToUpperInvariant(), Guid.NewGuid().ToString(), false, false, true, 0,
                    now - DemoOrderMaker.History - TimeSpan.FromDays(1));
                existing[name] = id;
            }

            await transaction.CommitAsync(ct);
        }

        return (names.Select(n => existing[n]).ToList(), missing.Count);
    }
}
