from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("hello from the sample plugin")


urlpatterns = [path("", hello, name="hello")]
