from channels.generic.websocket import AsyncJsonWebsocketConsumer


class FloorConsumer(AsyncJsonWebsocketConsumer):
    """Live updates for a signed-in person: the events of their warehouse."""

    async def connect(self):
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = f"floor.{user.pk}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def floor_event(self, event):
        await self.send_json(event["data"])
