using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LuffyBlazor.Features.Payments.WeChatSimulator.Migrations
{
    /// <inheritdoc />
    public partial class InitialWeChatSimulator : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WeChatSimRefunds",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OutRefundNo = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OutTradeNo = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RefundId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SuccessTime = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatSimRefunds", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WeChatSimTrades",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OutTradeNo = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AppId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    MchId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 127, nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeExpire = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NotifyUrl = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    TradeType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TransactionId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    TradeState = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SuccessTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Refunded = table.Column<long>(type: "INTEGER", nullable: false),
                    NotifyFault = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyCopies = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifyDelay = table.Column<TimeSpan>(type: "TEXT", nullable: false),
                    TamperAmount = table.Column<bool>(type: "INTEGER", nullable: false),
                    TamperSignature = table.Column<bool>(type: "INTEGER", nullable: false),
                    ApiFault = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatSimTrades", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WeChatSimNotifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TradeId = table.Column<int>(type: "INTEGER", nullable: false),
                    OutTradeNo = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    TamperSignature = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatSimNotifications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WeChatSimNotifications_WeChatSimTrades_TradeId",
                        column: x => x.TradeId,
                        principalTable: "WeChatSimTrades",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "WeChatSimNotifyAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NotificationId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    HttpStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Accepted = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WeChatSimNotifyAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WeChatSimNotifyAttempts_WeChatSimNotifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "WeChatSimNotifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimNotifications_State_NextAttemptAt",
                table: "WeChatSimNotifications",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimNotifications_TradeId",
                table: "WeChatSimNotifications",
                column: "TradeId");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimNotifyAttempts_NotificationId",
                table: "WeChatSimNotifyAttempts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimRefunds_OutRefundNo",
                table: "WeChatSimRefunds",
                column: "OutRefundNo",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimTrades_OutTradeNo",
                table: "WeChatSimTrades",
                column: "OutTradeNo",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WeChatSimTrades_Token",
                table: "WeChatSimTrades",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WeChatSimNotifyAttempts");

            migrationBuilder.DropTable(
                name: "WeChatSimRefunds");

            migrationBuilder.DropTable(
                name: "WeChatSimNotifications");

            migrationBuilder.DropTable(
                name: "WeChatSimTrades");
        }
    }
}
