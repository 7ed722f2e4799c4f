from django.urls import path

from . import views

app_name = "declarations"

urlpatterns = [
    path("", views.campaign_list, name="index"),
    path("sign/", views.sign_queue, name="sign-queue"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("campaigns/<int:pk>/void/", views.campaign_void, name="campaign-void"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign-remind"),
    path("<int:pk>/", views.declaration_detail, name="detail"),
    path("<int:pk>/file/", views.declaration_file, name="file"),
    path("<int:pk>/sign/", views.declaration_sign, name="sign"),
    path("<int:pk>/return/", views.declaration_return, name="return"),
    path("<int:pk>/correct/", views.declaration_correct, name="correct"),
]
