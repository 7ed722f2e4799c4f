"""/reports/bulletin/: the quarterly bulletin (季度通报) as a page and as a .docx."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.bulletin_page, name="bulletin"),
    path("docx/", views.bulletin_docx, name="bulletin-docx"),
]
