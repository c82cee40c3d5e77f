using System.Net;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LuffyBlazor.Tests.Courses;

/// <summary>
/// Lesson videos on the course page: free previews for everyone, the rest for owners only. A learner who has not
/// bought the course never gets a playable URL, from the service, the page or its HTML.
/// </summary>
public sealed class LessonVideoTests : BunitTestContext, IClassFixture<LuffyAppFactory>
{
    private readonly LuffyAppFactory app;
    private readonly BunitAuthorizationContext auth;

    public LessonVideoTests(LuffyAppFactory app)
    {
        this.app = app;
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(app.Services.GetRequiredService<LessonVideos>());
        auth = AddAuthorization();
    }

    private LessonVideos Videos => app.Services.GetRequiredService<LessonVideos>();

    /// <summary>The seeded "Python 全栈开发": lesson 1-1 is a free preview with a video, 1-3 a paid lesson with one.</summary>
    private async Task<(int CourseId, int FreeLesson, int PaidLesson, int PaidWithoutVideo)> PythonFullStackAsync() =>
        await app.QueryAsync(async db =>
        {
            var course = await db.Courses.Include(c => c.Chapters).ThenInclude(ch => ch.Lessons).SingleAsync(c => c.Name == "Python 全栈开发");
            var first = course.Chapters.Single(ch => ch.Number == 1).Lessons;
            return (course.Id, first.Single(l => l.Number == 1).Id, first.Single(l => l.Number == 3).Id, first.Single(l => l.Number == 4).Id);
        });

    private static ClaimsPrincipal Learner(string id, params string[] roles) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, id), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"));

    private async Task OwnAsync(string userId, int courseId)
    {
        var order = await app.PlaceOrderAsync(userId, courseId);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OrderTransitions>()
            .ApplyPaymentAsync(new PaymentConfirmation(order.OutTradeNo, "T-" + order.Id, order.TotalAmount, null, null), "test");
    }

    [Fact]
    public async Task Seeding_attaches_videos_to_free_preview_and_paid_lessons_and_every_clip_is_small()
    {
        var clips = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos"));
        var lessons = await app.QueryAsync(db => db.CourseLessons.Where(l => l.VideoKey != null).Select(l => new { l.VideoKey, l.IsFreePreview }).ToListAsync());

        Assert.True(clips.Length >= 3);
        Assert.All(clips, clip => Assert.InRange(new FileInfo(clip).Length, 10_000, 200_000));
        Assert.Equal(CatalogueSeedData.LessonVideos.Count, lessons.Count);
        Assert.Contains(lessons, l => l.IsFreePreview);
        Assert.Contains(lessons, l => !l.IsFreePreview);
        Assert.All(lessons, l => Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "wwwroot-assets", l.VideoKey!)), l.VideoKey));
    }

    [Fact]
    public async Task No_paid_lesson_shares_its_video_file_with_a_free_preview_in_the_seed_data_or_the_seeded_database()
    {
        var seeded = CatalogueSeedData.Courses.SelectMany(c => c.Chapters.Select(CatalogueSeeder.ParseChapter)
            .SelectMany(ch => ch.Lessons.Select(l => (Free: l.IsFreePreview, Key: CatalogueSeedData.LessonVideos.GetValueOrDefault((c.Name, ch.Number, l.Number))))))
            .Where(l => l.Key is not null).ToList();
        var stored = await app.QueryAsync(db => db.CourseLessons.Where(l => l.VideoKey != null)
            .Select(l => new { Free = l.IsFreePreview, Key = l.VideoKey! }).ToListAsync());

        Assert.Equal(CatalogueSeedData.LessonVideos.Count, seeded.Count);
        Assert.Contains(seeded, l => l.Free);
        Assert.Contains(seeded, l => !l.Free);
        Assert.Empty(seeded.Where(l => l.Free).Select(l => l.Key).Intersect(seeded.Where(l => !l.Free).Select(l => l.Key)));
        Assert.Empty(stored.Where(l => l.Free).Select(l => l.Key).Intersect(stored.Where(l => !l.Free).Select(l => l.Key)));
    }

    [Fact]
    public async Task No_signed_url_handed_to_someone_who_has_not_bought_a_course_opens_one_of_its_paid_lessons()
    {
        var lessons = await app.QueryAsync(db => db.CourseLessons.Where(l => l.VideoKey != null)
            .Select(l => new { l.Id, l.Chapter!.CourseId, l.IsFreePreview, Key = l.VideoKey! }).ToListAsync());
        var (ownerOfOne, _) = await app.CreateLearnerAsync();
        var owned = lessons.First(l => !l.IsFreePreview).CourseId;
        await OwnAsync(ownerOfOne, owned);
        var browser = app.CreateClient();

        foreach (var user in (ClaimsPrincipal?[])[null, Learner(ownerOfOne)])
        {
            var mayOwn = user is null ? -1 : owned;
            var paidKeys = lessons.Where(l => !l.IsFreePreview && l.CourseId != mayOwn).Select(l => l.Key).ToHashSet();
            var handed = new List<string>();
            foreach (var lesson in lessons.Where(l => l.CourseId != mayOwn))
            {
                if (await Videos.GetPlaybackAsync(lesson.CourseId, lesson.Id, user) is { } playback)
                {
                    handed.Add(playback.Url);
                }
            }

            Assert.NotEmpty(handed);
            foreach (var url in handed)
            {
                var uri = new Uri(new Uri("http://localhost"), url);
                Assert.DoesNotContain(uri.AbsolutePath["/media/".Length..], paidKeys);
                Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(url)).StatusCode);
                foreach (var paid in paidKeys)
                {
                    // The signature covers the path: moved onto a paid lesson's file, the URL opens nothing.
                    Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync($"/media/{paid}{uri.Query}")).StatusCode);
                }
            }
        }
    }

    [Fact]
    public async Task A_catalogue_seeded_when_paid_lessons_shared_a_previews_clip_is_given_their_own_clips_at_the_next_start()
    {
        var (_, _, paid, withoutVideo) = await PythonFullStackAsync();
        await SetVideoAsync(paid, "private/videos/python-setup.webm");  // as seeded before
        await SetVideoAsync(withoutVideo, "private/courses/videos/202611/uploaded.webm"); // an admin's upload
        try
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetServices<IDataSeeder>().OfType<CatalogueSeeder>().Single().SeedAsync(default);
            }

            Assert.Equal("private/videos/python-control-flow.webm", await VideoAsync(paid));
            Assert.Equal("private/courses/videos/202611/uploaded.webm", await VideoAsync(withoutVideo));
        }
        finally
        {
            // The catalogue is shared with the other tests of this class.
            await SetVideoAsync(paid, "private/videos/python-control-flow.webm");
            await SetVideoAsync(withoutVideo, null);
        }

        Task SetVideoAsync(int lessonId, string? key) => app.QueryAsync(db =>
            db.CourseLessons.Where(l => l.Id == lessonId).ExecuteUpdateAsync(s => s.SetProperty(l => l.VideoKey, key)));

        Task<string?> VideoAsync(int lessonId) => app.QueryAsync(db => db.CourseLessons.Where(l => l.Id == lessonId).Select(l => l.VideoKey).SingleAsync());
    }

    [Fact]
    public async Task A_free_preview_plays_for_a_visitor_through_a_signed_url()
    {
        var (courseId, free, _, _) = await PythonFullStackAsync();

        var playback = await Videos.GetPlaybackAsync(courseId, free, user: null);
        var response = await app.CreateClient().GetAsync(playback!.Url);

        Assert.StartsWith("/media/private/videos/python-setup.webm?e=", playback.Url);
        Assert.Equal("video/webm", playback.ContentType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/webm", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_paid_lesson_gives_no_url_to_visitors_or_learners_who_have_not_bought_the_course()
    {
        var (courseId, _, paid, _) = await PythonFullStackAsync();
        var (learner, _) = await app.CreateLearnerAsync();
        var (ownerOfAnother, _) = await app.CreateLearnerAsync();
        await OwnAsync(ownerOfAnother, courseId + 1);

        Assert.Null(await Videos.GetPlaybackAsync(courseId, paid, user: null));
        Assert.Null(await Videos.GetPlaybackAsync(courseId, paid, Learner(learner)));
        Assert.Null(await Videos.GetPlaybackAsync(courseId, paid, Learner(ownerOfAnother)));
        Assert.False(await Videos.CanWatchEveryLessonAsync(courseId, Learner(learner)));
    }

    [Fact]
    public async Task Owners_and_admins_get_every_lesson_and_nobody_gets_a_lesson_through_another_course()
    {
        var (courseId, _, paid, withoutVideo) = await PythonFullStackAsync();
        var (owner, _) = await app.CreateLearnerAsync();
        await OwnAsync(owner, courseId);

        var owned = await Videos.GetPlaybackAsync(courseId, paid, Learner(owner));
        var admin = await Videos.GetPlaybackAsync(courseId, paid, Learner("admin-id", Roles.Admin));
        var viaOtherCourse = await Videos.GetPlaybackAsync(courseId + 1, paid, Learner(owner));
        var noVideo = await Videos.GetPlaybackAsync(courseId, withoutVideo, Learner(owner));

        Assert.NotNull(owned);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync(owned.Url)).StatusCode);
        Assert.NotNull(admin);
        Assert.Null(viaOtherCourse);
        Assert.Null(noVideo);
    }

    [Fact]
    public async Task The_course_page_html_never_carries_a_private_video_url()
    {
        var (courseId, _, paid, _) = await PythonFullStackAsync();

        var html = await app.CreateClient().GetStringAsync($"/course/{courseId}");
        var askingForAPaidLesson = System.Net.WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync($"/course/{courseId}?lesson={paid}"));

        Assert.Contains("试看", html);
        Assert.Contains("购买后观看", html);
        Assert.DoesNotContain("/media/private/", html);
        Assert.DoesNotContain("token=", html);
        Assert.Contains("购买课程后即可观看全部课时", askingForAPaidLesson);
        Assert.DoesNotContain("/media/private/", askingForAPaidLesson);
    }

    [Fact]
    public async Task On_the_page_a_visitor_can_play_the_preview_and_sees_paid_lessons_locked()
    {
        var (courseId, free, paid, withoutVideo) = await PythonFullStackAsync();
        var course = (await app.Services.GetRequiredService<CourseCatalog>().GetDetailsAsync(courseId))!;

        var cut = Render<CourseChapters>(p => p.Add(c => c.Course, course));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".lesson-play")), TimeSpan.FromSeconds(10));
        Assert.Contains("即将上线", cut.Find($"[data-lesson-id='{withoutVideo}']").TextContent);
        Assert.All(cut.FindAll(".free-preview"), badge => Assert.NotNull(badge.Closest("[data-lesson-id]")!.QuerySelector(".lesson-play")));
        var paidRow = cut.Find($"[data-lesson-id='{paid}']");
        Assert.Empty(paidRow.QuerySelectorAll(".lesson-play"));
        Assert.Contains("购买后观看", paidRow.TextContent);
        Assert.DoesNotContain("<video", cut.Markup);
        Assert.Equal($"course/{courseId}?lesson={free}#lesson-player-anchor", cut.Find($"[data-lesson-id='{free}'] .lesson-play").GetAttribute("href"));

        // The play button's link: the page again, with the lesson to play.
        cut.Render(p => p.Add(c => c.Lesson, free));

        cut.WaitForAssertion(() => Assert.Contains("/media/private/videos/python-setup.webm?e=", cut.Find("video source").GetAttribute("src")), TimeSpan.FromSeconds(10));
        Assert.Equal("开发环境搭建", cut.Find("#lesson-player-title").TextContent);
    }

    [Fact]
    public async Task On_the_page_an_owner_can_play_every_lesson_that_has_a_video()
    {
        var (courseId, _, paid, _) = await PythonFullStackAsync();
        var (owner, name) = await app.CreateLearnerAsync();
        await OwnAsync(owner, courseId);
        auth.SetAuthorized(name);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, owner));
        var course = (await app.Services.GetRequiredService<CourseCatalog>().GetDetailsAsync(courseId))!;

        var cut = Render<CourseChapters>(p => p.Add(c => c.Course, course));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll($"[data-lesson-id='{paid}'] .lesson-play")), TimeSpan.FromSeconds(10));
        cut.Render(p => p.Add(c => c.Lesson, paid));

        cut.WaitForAssertion(() => Assert.Equal("流程控制", cut.Find("#lesson-player-title").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll(".lesson-locked"));
    }
}
