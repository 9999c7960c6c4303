from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from floor import events

# What a screen may watch live, and who may: a receipt of the person's warehouse; the floor of
# their warehouse (its dashboard) for a supervisor.
WATCHABLE = {"receipt", "floor"}
MAX_WATCHED = 4


class FloorConsumer(AsyncJsonWebsocketConsumer):
    """Live updates for a signed-in person: their own events, and the documents they watch."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = f"floor.{user.pk}"
        self.watching: set[str] = set()
        self.language: str | None = None  # the person's, read when they watch the floor
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            for name in self.watching:
                await self.channel_layer.group_discard(name, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        elif content.get("type") == "watch":
            await self._watch(str(content.get("document", "")))

    async def _watch(self, document: str):
        model, _sep, pk = document.partition(":")
        if model not in WATCHABLE or not pk.isdigit():
            return
        name = events.group(model, int(pk))
        if name in self.watching or not await self._may_watch(model, int(pk)):
            return
        if len(self.watching) >= MAX_WATCHED:  # a screen watches one or two: drop the oldest
            await self.channel_layer.group_discard(self.watching.pop(), self.channel_name)
        self.watching.add(name)
        await self.channel_layer.group_add(name, self.channel_name)

    @database_sync_to_async
    def _may_watch(self, model: str, pk: int) -> bool:
        from floor.accounts.models import Profile
        from floor.accounts.roles import Role, has_role
        from floor.receiving.models import Receipt

        user = self.scope["user"]
        found = Profile.objects.filter(user=user).values_list("warehouse", "language").first()
        warehouse, language = found or (None, None)
        if warehouse is None:
            return False
        if model == "floor":
            self.language = language  # the dashboard's panels come drawn in it
            return pk == warehouse and has_role(user, Role.SUPERVISOR)
        return Receipt.objects.filter(pk=pk, warehouse_id=warehouse).exists()

    async def floor_event(self, event):
        data = event["data"]
        if "panels" in data:  # drawn in each language a dashboard is open in: this screen's only
            data = {**data, "panels": data["panels"].get(self.language)}
            if data["panels"] is None:
                del data["panels"]  # the page asks for its own
        await self.send_json(data)
