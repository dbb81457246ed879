from django.urls import path

from tickets.views import chat

app_name = "chat"
urlpatterns = [
    path("", chat.chat_page, name="page"),
    path("demo/", chat.chat_demo, name="demo"),
    path("api/widget/", chat.api_widget, name="api_widget"),
    path("api/start/", chat.api_start, name="api_start"),
    path("api/messages/", chat.api_messages, name="api_messages"),
    path("api/send/", chat.api_send, name="api_send"),
    path("api/end/", chat.api_end, name="api_end"),
]
