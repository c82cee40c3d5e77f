using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Account;
using LuffyBlazor.Features.Account.LogIn;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Orders;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Users;

public sealed record UserRow(string Id, string UserName, string? Email, DateTime CreatedAt, bool IsAdmin, bool IsLockedOut, int OrderCount);

public sealed record UserFilter(string? Search = null, bool AdminsOnly = false)
{
    public IEnumerable<KeyValuePair<string, string?>> ToQueryPairs() => [new("q", Search?.Trim()), new("admins", AdminsOnly ? "1" : null)];

    /// <summary>Reads the query-string form (<c>q</c>, <c>admins=1</c>), naming what it leaves out.</summary>
    public static (UserFilter Filter, IReadOnlyList<string> Problems) Read(IReadOnlyDictionary<string, string> values)
    {
        var search = values.GetValueOrDefault("q") is { Length: > 0 } q ? q : null;
        return values.GetValueOrDefault("admins") switch
        {
            null or "" or "0" or "false" => (new UserFilter(search), []),
            "1" or "true" => (new UserFilter(search, AdminsOnly: true), []),
            _ => (new UserFilter(search), ["admins 必须是 1（只看管理员）或 0"]),
        };
    }
}

/// <summary>Failed log-ins on the account from all addresses since it last went quiet (see LogInThrottles), and the last one.</summary>
public sealed record RecentLogInFailures(int Count, DateTimeOffset? LastAt);

public sealed record UserOrderItem(string OutTradeNo, DateTime CreatedAt, string Subject, decimal TotalAmount, OrderStatus Status);

public sealed record UserCourseItem(int CourseId, string Name, DateTime GrantedAt, string OutTradeNo);

public sealed record UserDetail(
    string Id, string UserName, string? Email, DateTime CreatedAt, bool IsAdmin, DateTimeOffset? LockoutEnd, RecentLogInFailures LogInFailures,
    int OrderCount, IReadOnlyList<UserOrderItem> RecentOrders, IReadOnlyList<UserCourseItem> Courses, IReadOnlyList<AuditView> Audit)
{
    public bool IsLockedOut(DateTimeOffset now) => LockoutEnd > now;
}

/// <summary>
/// Finding users and changing what they may do: the Admin role and lock-out. An admin can never remove their own
/// role or lock themselves out, and the last admin always stays one, so the school can never lose its back office.
/// Each change is made in one transaction that holds the Admin role's row from its first statement, and checks
/// inside it that its admin is still an (unlocked) admin: two admins demoting or locking each other at the same
/// moment are served one after the other, and the second finds they no longer may. Every change, refused or done,
/// is written to the audit log.
/// </summary>
public sealed class UserAdmin(
    IDbContextFactory<LuffyDbContext> dbFactory, IServiceScopeFactory scopes, AdminAuditLog audit, TimeProvider clock)
{
    public const int RecentOrderCount = 50;

    /// <summary>The Admin role's normalized name, as Identity stores it.</summary>
    private static readonly string AdminRoleName = Roles.Admin.ToUpperInvariant();

    public async Task<(IReadOnlyList<UserRow> Rows, int Total)> PageAsync(UserFilter filter, int page, int pageSize, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var adminRoleId = await db.Roles.Where(r => r.Name == Roles.Admin).Select(r => r.Id).FirstOrDefaultAsync(ct) ?? "";
        var users = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // Identity's normalized (upper-case) columns: a case-insensitive "contains" without lower() per row.
            var search = filter.Search.Trim();
            var term = search.ToUpperInvariant();
            users = users.Where(u => u.NormalizedUserName!.Contains(term) || u.NormalizedEmail!.Contains(term) || u.Id == search);
        }

        if (filter.AdminsOnly)
        {
            users = users.Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId));
        }

        var total = await users.CountAsync(ct);
        var rows = await users.OrderByDescending(u => u.CreatedAt).ThenBy(u => u.UserName)
            .Skip(Math.Max(0, page) * pageSize).Take(Math.Clamp(pageSize, 1, 200))
            .Select(u => new
            {
                u.Id, u.UserName, u.Email, u.CreatedAt, u.LockoutEnd,
                IsAdmin = db.UserRoles.Any(ur => ur.UserId == u.Id && ur.RoleId == adminRoleId),
                Orders = db.Orders.Count(o => o.UserId == u.Id),
            })
            .ToListAsync(ct);
        // LockoutEnd is compared here: SQLite cannot compare DateTimeOffset values in SQL.
        var now = clock.GetUtcNow();
        return (rows.Select(r => new UserRow(r.Id, r.UserName!, r.Email, r.CreatedAt, r.IsAdmin, r.LockoutEnd > now, r.Orders)).ToList(), total);
    }

    public async Task<UserDetail?> FindAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }

        var isAdmin = await db.UserRoles.AnyAsync(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin), ct);
        var orders = db.Orders.AsNoTracking().Where(o => o.UserId == userId);
        var recent = await orders.OrderByDescending(o => o.CreatedAt).Take(RecentOrderCount)
            .Select(o => new UserOrderItem(o.OutTradeNo, o.CreatedAt, o.Subject, o.TotalAmount, o.Status)).ToListAsync(ct);
        var courses = await db.CourseOwnerships.AsNoTracking().Where(x => x.UserId == userId).OrderByDescending(x => x.GrantedAt)
            .Select(x => new UserCourseItem(x.CourseId, x.Course!.Name, x.GrantedAt, db.Orders.Where(o => o.Id == x.OrderId).Select(o => o.OutTradeNo).First()))
            .ToListAsync(ct);
        var failures = await db.LogInThrottles.AsNoTracking()
            .Where(t => t.Account == LogInThrottle.AccountOf(userId) && t.Address == LogInThrottle.Anywhere && t.Failures > 0)
            .Select(t => new RecentLogInFailures(t.Failures, DateTimeOffset.FromUnixTimeMilliseconds(t.LastFailureAt)))
            .FirstOrDefaultAsync(ct) ?? new RecentLogInFailures(0, null);
        return new UserDetail(user.Id, user.UserName!, user.Email, user.CreatedAt, isAdmin, user.LockoutEnd, failures,
            await orders.CountAsync(ct), recent, courses, await audit.ForTargetAsync(AuditTargets.User(userId), ct: ct));
    }

    public Task<AdminActionOutcome> SetAdminAsync(string userId, bool admin, string reason, AdminActor actor) =>
        ChangeAsync(userId, admin ? AdminActions.UserGrantAdmin : AdminActions.UserRemoveAdmin, reason, actor, async (users, user) =>
        {
            if (!admin && user.Id == actor.UserId)
            {
                return new(false, "不能撤销自己的管理员权限");
            }

            if (await users.IsInRoleAsync(user, Roles.Admin) == admin)
            {
                return new(false, admin ? "该用户已是管理员" : "该用户不是管理员");
            }

            if (!admin && (await users.GetUsersInRoleAsync(Roles.Admin)).Count <= 1)
            {
                return new(false, "这是最后一位管理员，不能撤销");
            }

            var result = admin ? await users.AddToRoleAsync(user, Roles.Admin) : await users.RemoveFromRoleAsync(user, Roles.Admin);
            return result.Succeeded ? new(true, admin ? $"{user.UserName} 已成为管理员" : $"已撤销 {user.UserName} 的管理员权限") : Failed(result);
        });

    /// <summary>Locks an account indefinitely (until unlocked) or unlocks it.</summary>
    public Task<AdminActionOutcome> SetLockedAsync(string userId, bool locked, string reason, AdminActor actor) =>
        ChangeAsync(userId, locked ? AdminActions.UserLock : AdminActions.UserUnlock, reason, actor, async (users, user) =>
        {
            if (locked && user.Id == actor.UserId)
            {
                return new(false, "不能锁定自己的账户");
            }

            IdentityResult result;
            if (locked)
            {
                result = await users.SetLockoutEnabledAsync(user, true);
                if (result.Succeeded)
                {
                    result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
                }
            }
            else
            {
                result = await users.SetLockoutEndDateAsync(user, null);
                if (result.Succeeded)
                {
                    result = await users.ResetAccessFailedCountAsync(user);
                }
            }

            return result.Succeeded ? new(true, locked ? $"已锁定 {user.UserName}，其登录状态将失效" : $"已解锁 {user.UserName}") : Failed(result);
        });

    /// <summary>
    /// Runs one change with a fresh UserManager inside a transaction serialized with every other role or lock-out
    /// change (see the class summary), renews the user's security stamp when it worked (every open session of the
    /// user then ends on its next request: see <see cref="AccountSessions"/>), and audits the outcome.
    /// </summary>
    private async Task<AdminActionOutcome> ChangeAsync(
        string userId, string action, string reason, AdminActor actor, Func<UserManager<ApplicationUser>, ApplicationUser, Task<AdminActionOutcome>> change)
    {
        AdminActionOutcome outcome;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // The context the UserManager's store saves through, so its changes are part of this transaction.
            var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            // A no-op update of the Admin role's row as the first statement: PostgreSQL holds that row until commit, so
            // the next change waits here; SQLite takes its write lock at BEGIN already.
            await db.Roles.Where(r => r.NormalizedName == AdminRoleName).ExecuteUpdateAsync(s => s.SetProperty(r => r.ConcurrencyStamp, r => r.ConcurrencyStamp));
            var user = await users.FindByIdAsync(userId);
            outcome = user is null ? new(false, "用户不存在")
                : await AdminActors.FindAsync(db, actor.UserId, clock.GetUtcNow()) is null ? new(false, "你已不再是管理员，不能做这个修改")
                : await change(users, user);
            if (outcome.Succeeded)
            {
                await users.UpdateSecurityStampAsync(user!);
                await transaction.CommitAsync();
                // After the commit, so no request can read the old stamp back into this instance's cache meanwhile.
                scope.ServiceProvider.GetRequiredService<AccountSessions>().Forget(userId);
            }
        }

        await audit.WriteAsync(actor, action, AuditTargets.User(userId), reason, outcome.Succeeded, outcome.Message);
        return outcome;
    }

    private static AdminActionOutcome Failed(IdentityResult result) =>
        new(false, "操作失败：" + string.Join("；", result.Errors.Select(e => e.Description)));
}
