using System.Net;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

public sealed class UserAdminTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private async Task<AdminActionOutcome> AsAdminAsync(Func<UserAdmin, AdminActor, Task<AdminActionOutcome>> change)
    {
        var admin = await app.AdminAsync();
        return await app.WithAsync<UserAdmin, AdminActionOutcome>(users => change(users, admin));
    }

    private Task<bool> IsAdminAsync(string userId) =>
        app.QueryAsync(db => db.UserRoles.AnyAsync(ur => ur.UserId == userId && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)));

    private Task<List<AdminAuditEntry>> AuditAsync(string userId) =>
        app.QueryAsync(db => db.AdminAuditEntries.AsNoTracking().Where(e => e.Target == AuditTargets.User(userId)).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_and_the_refusal_is_audited()
    {
        var admin = await app.AdminAsync();

        var outcome = await AsAdminAsync((users, me) => users.SetAdminAsync(me.UserId, false, "试试", me));

        Assert.False(outcome.Succeeded);
        Assert.Equal("不能撤销自己的管理员权限", outcome.Message);
        Assert.True(await IsAdminAsync(admin.UserId));
        var entry = (await AuditAsync(admin.UserId)).Last();
        Assert.Equal((AdminActions.UserRemoveAdmin, false, "试试", "admin"), (entry.Action, entry.Succeeded, entry.Reason, entry.AdminName));
    }

    [Fact]
    public async Task An_admin_cannot_lock_themselves_out()
    {
        var admin = await app.AdminAsync();

        var outcome = await AsAdminAsync((users, me) => users.SetLockedAsync(me.UserId, true, "误操作", me));

        Assert.False(outcome.Succeeded);
        Assert.Equal("不能锁定自己的账户", outcome.Message);
        Assert.Null(await app.QueryAsync(db => db.Users.Where(u => u.Id == admin.UserId).Select(u => u.LockoutEnd).SingleAsync()));
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task A_locked_learner_cannot_log_in_until_unlocked()
    {
        var (id, name) = await app.CreateLearnerAsync();

        var locked = await AsAdminAsync((users, me) => users.SetLockedAsync(id, true, "刷单", me));

        Assert.True(locked.Succeeded, locked.Message);
        var (code, body) = await app.CreateClient().PostJsonAsync("/api/v1/user/login/", new { username = name, password = AppScenarios.LearnerPassword });
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Contains("该账号已被管理员锁定", body.GetProperty("msg").GetString());

        var unlocked = await AsAdminAsync((users, me) => users.SetLockedAsync(id, false, "申诉通过", me));

        Assert.True(unlocked.Succeeded, unlocked.Message);
        Assert.NotEmpty(await app.CreateClient().LoginForTokenAsync(name, AppScenarios.LearnerPassword));
        Assert.Equal([(AdminActions.UserLock, "刷单"), (AdminActions.UserUnlock, "申诉通过")], (await AuditAsync(id)).Select(e => (e.Action, e.Reason!)));
    }

    [Fact]
    public async Task Granting_and_removing_admin_for_someone_else_works_and_renews_their_security_stamp()
    {
        var (id, _) = await app.CreateLearnerAsync();
        var stamp = await app.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync());

        Assert.True((await AsAdminAsync((users, me) => users.SetAdminAsync(id, true, "助教", me))).Succeeded);
        Assert.True(await IsAdminAsync(id));
        Assert.NotEqual(stamp, await app.QueryAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.SecurityStamp).SingleAsync()));

        Assert.True((await AsAdminAsync((users, me) => users.SetAdminAsync(id, false, "离职", me))).Succeeded);
        Assert.False(await IsAdminAsync(id));
    }

    [Fact]
    public async Task An_admin_demoted_meanwhile_can_no_longer_demote_or_lock_anyone()
    {
        var boss = await app.AdminAsync();
        var (a, b, c) = (await PromotedAsync(boss), await PromotedAsync(boss), await PromotedAsync(boss));
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(b.UserId, false, "换岗", a))).Succeeded);

        // b's page was opened before: its actor is stale.
        var demote = await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(c.UserId, false, "报复", b));
        var lockOut = await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetLockedAsync(a.UserId, true, "报复", b));

        Assert.False(demote.Succeeded);
        Assert.Equal("你已不再是管理员，不能做这个修改", demote.Message);
        Assert.False(lockOut.Succeeded);
        Assert.True(await IsAdminAsync(c.UserId));
        Assert.Null(await app.QueryAsync(db => db.Users.Where(u => u.Id == a.UserId).Select(u => u.LockoutEnd).SingleAsync()));
        Assert.Equal((AdminActions.UserRemoveAdmin, false), (await AuditAsync(c.UserId)).Select(e => (e.Action, e.Succeeded)).Last());
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_the_same_moment_leave_one_admin()
    {
        await using var school = new LuffyAppFactory();

        await school.AssertTwoAdminsDemotingEachOtherLeaveOneAsync(rounds: 6);
    }

    private async Task<AdminActor> PromotedAsync(AdminActor boss)
    {
        var (id, name) = await app.CreateLearnerAsync("colleague");
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(id, true, "同事", boss))).Succeeded);
        return new AdminActor(id, name);
    }

    [Fact]
    public async Task Search_finds_users_by_part_of_their_name_or_email_in_any_case()
    {
        var (id, name) = await app.CreateLearnerAsync("findme");

        var (byName, _) = await app.WithAsync<UserAdmin, (IReadOnlyList<UserRow>, int)>(u => u.PageAsync(new UserFilter(name[2..].ToUpperInvariant()), 0, 20));
        var (admins, _) = await app.WithAsync<UserAdmin, (IReadOnlyList<UserRow>, int)>(u => u.PageAsync(new UserFilter(AdminsOnly: true), 0, 20));

        Assert.Equal(id, Assert.Single(byName).Id);
        Assert.All(admins, a => Assert.True(a.IsAdmin));
        Assert.Contains(admins, a => a.UserName == LuffyAppFactory.AdminUserName);
    }

    [Fact]
    public async Task A_users_page_counts_their_recent_failed_log_ins_from_every_address()
    {
        var (id, name) = await app.CreateLearnerAsync("typo");
        foreach (var password in new[] { "wrong-pass-1", "wrong-pass-2", "wrong-pass-3" })
        {
            await app.CreateClient().PostJsonAsync("/api/v1/user/login/", new { username = name, password });
        }

        var detail = await app.WithAsync<UserAdmin, UserDetail?>(u => u.FindAsync(id));

        Assert.Equal(3, detail!.LogInFailures.Count);
        Assert.NotNull(detail.LogInFailures.LastAt);
    }

    [Fact]
    public async Task A_users_page_shows_their_orders_and_courses()
    {
        var order = await app.PaidOrderAsync(2, 14);

        var detail = await app.WithAsync<UserAdmin, UserDetail?>(u => u.FindAsync(order.UserId));

        Assert.NotNull(detail);
        Assert.Equal(order.OutTradeNo, Assert.Single(detail.RecentOrders).OutTradeNo);
        Assert.Equal(["JavaScript 核心基础", "Python 零基础入门"], detail.Courses.Select(c => c.Name).Order());
        Assert.All(detail.Courses, c => Assert.Equal(order.OutTradeNo, c.OutTradeNo));
    }
}
