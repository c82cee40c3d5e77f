using LuffyBlazor.Data;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Data;

/// <summary>Writers of one process queue on the gate instead of SQLite's sleeping busy handler, and always let go.</summary>
public sealed class SqliteWriteGateTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private SqliteWriteGate Gate => app.Services.GetRequiredService<SqliteWriteGate>();

    private async Task<LuffyDbContext> ContextAsync() =>
        await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task Sixty_four_concurrent_writers_of_every_kind_all_succeed()
    {
        app.CreateClient();
        var writers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            await using var db = await ContextAsync();
            switch (i % 4)
            {
                case 0: // one statement, autocommit
                    db.CourseCategories.Add(new CourseCategory { Name = $"分类 {Guid.NewGuid():N}" });
                    await db.SaveChangesAsync();
                    break;
                case 1: // several statements: EF's own transaction
                    db.CourseCategories.AddRange(new CourseCategory { Name = $"分类 {Guid.NewGuid():N}" }, new CourseCategory { Name = $"分类 {Guid.NewGuid():N}" });
                    await db.SaveChangesAsync();
                    break;
                case 2: // ExecuteUpdate outside a transaction
                    await db.Courses.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.SortOrder, c => c.SortOrder));
                    break;
                default: // an explicit transaction with a read and a write
                    await using (var transaction = await db.Database.BeginTransactionAsync())
                    {
                        _ = await db.Courses.CountAsync();
                        db.CourseCategories.Add(new CourseCategory { Name = $"分类 {Guid.NewGuid():N}" });
                        await db.SaveChangesAsync();
                        await transaction.CommitAsync();
                    }

                    break;
            }
        }));

        await Task.WhenAll(writers);

        Assert.True(Gate.IsFree);
        await using var check = await ContextAsync();
        Assert.Equal(16 + 32 + 16, await check.CourseCategories.CountAsync(c => c.Name.StartsWith("分类 ")));
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_lets_go_of_the_gate_and_writes_nothing()
    {
        app.CreateClient();
        var name = $"未提交 {Guid.NewGuid():N}";
        await using (var db = await ContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.CourseCategories.Add(new CourseCategory { Name = name });
            await db.SaveChangesAsync();
            Assert.False(Gate.IsFree);
        }

        Assert.True(Gate.IsFree);
        await using var check = await ContextAsync();
        Assert.False(await check.CourseCategories.AnyAsync(c => c.Name == name));
    }

    [Fact]
    public async Task A_write_that_fails_lets_go_of_the_gate()
    {
        app.CreateClient();
        await using var db = await ContextAsync();
        var taken = await db.CourseCategories.Select(c => c.Name).FirstAsync();
        db.CourseCategories.Add(new CourseCategory { Name = taken }); // category names are unique

        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(Gate.IsFree);
    }
}
